import type { DailyConsumption } from "./api/types";

export interface ChartRow {
  /** Unique per bar, even for the hour a DST night repeats. */
  key: string;
  label: string;
  kwh: number;
  overMax: boolean;
}

export interface DaySummary {
  hasData: boolean;
  total: string;
  peak: { label: string; kwh: string } | null;
  average: string;
}

export function formatKwh(value: number): string {
  return value.toFixed(2);
}

function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, "0")}:00`;
}

/** One row per hour of the local day (23, 24 or 25); a repeated hour gets a second label. */
export function chartRows(day: DailyConsumption, maxKwh: number | null = null): ChartRow[] {
  const seen = new Map<number, number>();
  return day.hours.map((h, index) => {
    const times = (seen.get(h.hour) ?? 0) + 1;
    seen.set(h.hour, times);
    const label = times > 1 ? `${hourLabel(h.hour)} (${times})` : hourLabel(h.hour);
    return { key: `${index}`, label, kwh: h.kwh, overMax: maxKwh !== null && h.kwh > maxKwh };
  });
}

/**
 * The cards: the total, peak hour and average the API computed for the day, with two decimals.
 * The peak's label is its bar's, so the second pass of a repeated (fall-back) hour says so.
 */
export function summarize(day: DailyConsumption): DaySummary {
  const peak = day.peak;
  const peakRow =
    peak && chartRows(day).find((row, index) => day.hours[index].hour === peak.hour && row.kwh === peak.kwh);
  return {
    hasData: peak !== null,
    total: formatKwh(day.total_kwh),
    peak: peak ? { label: peakRow?.label ?? hourLabel(peak.hour), kwh: formatKwh(peak.kwh) } : null,
    average: formatKwh(day.average_kwh),
  };
}
