import {
  addDays,
  addMonths,
  addWeeks,
  addYears,
  endOfISOWeek,
  format,
  parseISO,
  startOfISOWeek,
  startOfMonth,
  startOfYear,
} from "date-fns";
import { LOCALE } from "./format";

/** The dashboard's period kinds, as the consumption API names them. */
export const PERIODS = ["day", "week", "month", "year"] as const;
export type Period = (typeof PERIODS)[number];

export const PERIOD_NAMES: Record<Period, string> = { day: "Day", week: "Week", month: "Month", year: "Year" };

export function isPeriod(value: string | null | undefined): value is Period {
  return !!value && (PERIODS as readonly string[]).includes(value);
}

const iso = (date: Date) => format(date, "yyyy-MM-dd");

/** The first local day of the period holding `date` (weeks start on Monday, ISO-8601). */
export function periodStart(date: string, period: Period): string {
  const day = parseISO(date);
  switch (period) {
    case "day":
      return date;
    case "week":
      return iso(startOfISOWeek(day));
    case "month":
      return iso(startOfMonth(day));
    case "year":
      return iso(startOfYear(day));
  }
}

/**
 * The date `steps` periods before (negative) or after `date`. A day keeps its place; a longer
 * period lands on its first day, so stepping a month from 31 January reaches February.
 */
export function shiftPeriod(date: string, period: Period, steps: number): string {
  const start = parseISO(periodStart(date, period));
  switch (period) {
    case "day":
      return iso(addDays(start, steps));
    case "week":
      return iso(addWeeks(start, steps));
    case "month":
      return iso(addMonths(start, steps));
    case "year":
      return iso(addYears(start, steps));
  }
}

/** Whether the next period has begun by `today` (no step into the future). */
export function canStepForward(date: string, period: Period, today: string): boolean {
  return shiftPeriod(date, period, 1) <= today;
}

/** Whether `date`'s period holds `today`. */
export function holdsToday(date: string, period: Period, today: string): boolean {
  return periodStart(date, period) === periodStart(today, period);
}

/** The period's heading in the browser's locale: "Monday, 30 November 2026", "November 2026"… */
export function periodTitle(date: string, period: Period): string {
  const day = parseISO(date);
  switch (period) {
    case "day":
      return new Intl.DateTimeFormat(LOCALE, { dateStyle: "full" }).format(day);
    case "week": {
      const range = new Intl.DateTimeFormat(LOCALE, { day: "numeric", month: "short", year: "numeric" });
      return `Week of ${range.formatRange(startOfISOWeek(day), endOfISOWeek(day))}`;
    }
    case "month":
      return new Intl.DateTimeFormat(LOCALE, { month: "long", year: "numeric" }).format(day);
    case "year":
      return new Intl.DateTimeFormat(LOCALE, { year: "numeric" }).format(day);
  }
}

/** What the previous period is called beside a figure: "yesterday", "last week"… */
export const PREVIOUS_NAME: Record<Period, string> = {
  day: "the day before",
  week: "the week before",
  month: "the month before",
  year: "the year before",
};

export const BUCKET_NAME: Record<Period, string> = { day: "hour", week: "day", month: "day", year: "month" };

export type Bucket = "hour" | "day" | "month";
