import type { ConsumptionBucket, PeriodConsumption } from "./api/types";
import { change, LOCALE, type Change } from "./format";

/** ok: every reading came; partial: some are missing; missing: none came; future: not yet begun. */
export type BucketStatus = "ok" | "partial" | "missing" | "future";

export interface ChartRow {
  /** Unique per bar, even for the hour a DST night repeats. */
  key: string;
  /** The axis label: "19:00", "Mon 23", "23", "Nov". */
  label: string;
  /** The bucket in words for the tooltip and table: "19:00–20:00", "Monday, 23 November 2026". */
  range: string;
  /** null for no data (drawn as a gap, not as 0). */
  kwh: number | null;
  readings: number;
  expected: number;
  status: BucketStatus;
  /** Part of kwh is a meter register's difference spread over a gap (the API's `estimated`). */
  estimated: boolean;
  /** The same place in the previous period (its hour, weekday, day of month or month). */
  previousKwh: number | null;
  previousRange: string | null;
  overMax: boolean;
  /** The bucket's exact cost (decimal string), null when it cannot be priced (no tariff). */
  cost: string | null;
  previousCost: string | null;
  /** The period's one currency, null without a tariff. */
  currency: string | null;
}

export function bucketStatus(
  bucket: Pick<ConsumptionBucket, "readings" | "expected_readings"> & { estimated?: boolean },
): BucketStatus {
  if (bucket.expected_readings <= 0) return bucket.readings > 0 || bucket.estimated ? "ok" : "future";
  // A register's gap: no reading came, but its energy is known (estimated), so it is drawn.
  if (bucket.readings <= 0) return bucket.estimated ? "partial" : "missing";
  return bucket.readings < bucket.expected_readings ? "partial" : "ok";
}

/** "3 of 6 readings", "no data (0 of 6 readings)", "estimated (0 of 6 readings)", or "" for a
 * complete bucket. */
export function readingsText(
  row: Pick<ChartRow, "readings" | "expected" | "status"> & { estimated?: boolean },
): string {
  if (row.estimated) return `estimated (${row.readings} of ${row.expected} readings)`;
  switch (row.status) {
    case "missing":
      return `no data (0 of ${row.expected} readings)`;
    case "partial":
      return `${row.readings} of ${row.expected} readings`;
    case "future":
      return "not yet";
    default:
      return "";
  }
}

function formatter(tz: string, options: Intl.DateTimeFormatOptions) {
  return new Intl.DateTimeFormat(LOCALE, { timeZone: tz, ...options });
}

interface Labels {
  label: (start: Date) => string;
  range: (start: Date, end: Date) => string;
}

function labelsFor(data: Pick<PeriodConsumption, "bucket" | "period" | "tz">): Labels {
  const tz = data.tz;
  if (data.bucket === "hour") {
    const time = formatter(tz, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    return { label: (s) => time.format(s), range: (s, e) => `${time.format(s)}–${time.format(e)}` };
  }
  if (data.bucket === "day") {
    const axis =
      data.period === "week" ? formatter(tz, { weekday: "short", day: "numeric" }) : formatter(tz, { day: "numeric" });
    const long = formatter(tz, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
    return { label: (s) => axis.format(s), range: (s) => long.format(s) };
  }
  const axis = formatter(tz, { month: "short" });
  const long = formatter(tz, { month: "long", year: "numeric" });
  return { label: (s) => axis.format(s), range: (s) => long.format(s) };
}

interface Slot {
  label: string;
  range: string;
  kwh: number | null;
  cost: string | null;
}

/** Each bucket's labels, and the kwh to draw (null: no data), keyed by its place in the period. */
function slots(data: PeriodConsumption): Map<string, Slot> {
  const labels = labelsFor(data);
  const seen = new Map<string, number>();
  const result = new Map<string, Slot>();
  data.buckets.forEach((bucket, index) => {
    const start = new Date(bucket.start);
    const end = new Date(data.buckets[index + 1]?.start ?? data.end);
    const label = labels.label(start);
    // An hour's place is its local time (a repeated DST hour is its second pass); a day's or
    // month's is its index (weekday, day of month, month).
    const times = (seen.get(label) ?? 0) + 1;
    seen.set(label, times);
    const key = data.bucket === "hour" ? `${label}#${times}` : String(index);
    const status = bucketStatus(bucket);
    result.set(key, {
      label: times > 1 ? `${label} (${times})` : label,
      range: labels.range(start, end),
      kwh: status === "missing" || status === "future" ? null : bucket.kwh,
      cost: status === "missing" || status === "future" ? null : (bucket.cost ?? null),
    });
  });
  return result;
}

/** One row per bucket, with the previous period's bucket at the same place beside it. */
export function chartRows(
  data: PeriodConsumption,
  previous: PeriodConsumption | null = null,
  maxHourlyKwh: number | null = null,
): ChartRow[] {
  const current = slots(data);
  const before = previous ? slots(previous) : new Map<string, Slot>();
  return [...current.entries()].map(([key, slot], index) => {
    const bucket = data.buckets[index];
    const prior = before.get(key);
    const status = bucketStatus(bucket);
    return {
      key,
      label: slot.label,
      range: slot.range,
      kwh: slot.kwh,
      readings: bucket.readings,
      expected: bucket.expected_readings,
      status,
      estimated: bucket.estimated,
      previousKwh: prior?.kwh ?? null,
      previousRange: prior?.range ?? null,
      overMax: data.bucket === "hour" && maxHourlyKwh !== null && slot.kwh !== null && slot.kwh > maxHourlyKwh,
      cost: slot.cost,
      previousCost: prior?.cost ?? null,
      currency: data.currency ?? null,
    };
  });
}

/**
 * The axis labels of the bars holding these instants (a meter reset's), each once, in the
 * period's order; an instant outside the period marks nothing.
 */
export function barLabelsAt(data: Pick<PeriodConsumption, "buckets" | "end">, rows: ChartRow[], instants: string[]) {
  const starts = data.buckets.map((bucket) => Date.parse(bucket.start));
  const end = Date.parse(data.end);
  const marked = new Set<number>();
  for (const instant of instants) {
    const at = Date.parse(instant);
    if (at < starts[0] || at >= end) continue;
    let index = starts.length - 1;
    while (starts[index] > at) index -= 1;
    marked.add(index);
  }
  return [...marked]
    .sort((a, b) => a - b)
    .map((index) => rows[index]?.label)
    .filter((label): label is string => label !== undefined);
}

export interface PeriodSummary {
  hasData: boolean;
  totalKwh: number;
  partial: boolean;
  lastReadingAt: string | null;
  /** The previous period's total; while this one runs, only its part up to the same point. */
  previousKwh: number;
  previousSoFar: boolean;
  /** false when the previous period is known to have no reading at all (nothing to compare). */
  previousHasData: boolean;
  lastYearKwh: number;
  vsPrevious: Change;
  vsLastYear: Change;
  peak: ChartRow | null;
  /** Over the buckets that have data (a running period's future hours do not count). */
  averageKwh: number | null;
  gaps: number;
  /** Exact decimal strings; null: no tariff (or not all of it priced). */
  totalCost: string | null;
  previousCost: string | null;
  lastYearCost: string | null;
  currency: string | null;
  projection: PeriodConsumption["projection"];
}

/** The cards: the API's totals and comparisons; the peak and average read off its buckets. */
export function summarize(data: PeriodConsumption, rows: ChartRow[], previousLoaded = false): PeriodSummary {
  const withData = rows.filter((row) => row.kwh !== null);
  // A running period against the same elapsed buckets of the previous one, not its whole total
  // (this morning against all of yesterday would always look low).
  const previousSoFar = data.partial && previousLoaded;
  const previousKwh = previousSoFar
    ? rows.filter((row) => row.status !== "future").reduce((sum, row) => sum + (row.previousKwh ?? 0), 0)
    : data.previous.total_kwh;
  const peak = withData.reduce<ChartRow | null>((best, row) => (best && best.kwh! >= row.kwh! ? best : row), null);
  return {
    hasData: withData.some((row) => row.readings > 0),
    totalKwh: data.total_kwh,
    partial: data.partial,
    lastReadingAt: data.last_reading_at,
    previousKwh,
    previousSoFar,
    previousHasData: !previousLoaded || rows.some((row) => row.previousKwh !== null) || previousKwh > 0,
    lastYearKwh: data.last_year.total_kwh,
    vsPrevious: change(data.total_kwh, previousKwh),
    vsLastYear: change(data.total_kwh, data.last_year.total_kwh),
    peak: peak && peak.kwh! > 0 ? peak : null,
    averageKwh: withData.length ? data.total_kwh / withData.length : null,
    gaps: rows.filter((row) => row.status === "partial" || row.status === "missing").length,
    totalCost: data.total_cost ?? null,
    previousCost: data.previous.total_cost ?? null,
    lastYearCost: data.last_year.total_cost ?? null,
    currency: data.currency ?? null,
    projection: data.projection ?? null,
  };
}
