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
 * Total, peak hour and average per hour of a day, computed from its hours (the API's own
 * total/peak/average say the same; the hours are what the chart draws, so the cards follow them).
 */
export function summarize(day: DailyConsumption): DaySummary {
  const rows = chartRows(day);
  const total = rows.reduce((sum, row) => sum + row.kwh, 0);
  let peak: ChartRow | null = null;
  for (const row of rows) {
    if (row.kwh > 0 && (peak === null || row.kwh > peak.kwh)) peak = row;
  }
  return {
    hasData: peak !== null,
    total: formatKwh(total),
    peak: peak ? { label: peak.label, kwh: formatKwh(peak.kwh) } : null,
    average: formatKwh(rows.length ? total / rows.length : 0),
  };
}
