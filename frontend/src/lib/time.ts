import { addDays, format, isValid, parseISO } from "date-fns";

/** The browser's IANA time zone, sent as `tz` so a day means the user's local day. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

export function todayIso(now: Date = new Date()): string {
  return format(now, "yyyy-MM-dd");
}

/** A `YYYY-MM-DD` string that names a real calendar day. */
export function isIsoDate(value: string | null | undefined): value is string {
  return !!value && /^\d{4}-\d{2}-\d{2}$/.test(value) && isValid(parseISO(value));
}

export function shiftDay(iso: string, days: number): string {
  return format(addDays(parseISO(iso), days), "yyyy-MM-dd");
}

export function longDay(iso: string): string {
  return format(parseISO(iso), "EEEE, d MMMM yyyy");
}
