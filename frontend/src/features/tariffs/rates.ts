import type { Rate } from "./api/types";

/** Monday first, as the API numbers them (Monday 0). */
export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;
export const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];

/** One price all week, all day: the flat tariff. */
export function flatRates(price: string): Rate[] {
  return [{ days: [...EVERY_DAY], start: "00:00", end: "24:00", price_per_kwh: price }];
}

/** "Mon–Fri", "Sat, Sun", "every day". */
export function daysText(days: number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  if (sorted.length === 7) return "every day";
  const runs: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    runs.push(
      j - i >= 2
        ? `${WEEKDAYS[sorted[i]]}–${WEEKDAYS[sorted[j]]}`
        : sorted
            .slice(i, j + 1)
            .map((d) => WEEKDAYS[d])
            .join(", "),
    );
    i = j + 1;
  }
  return runs.join(", ");
}

/** The list's short summary: "every day 00:00–24:00 0.25", or "3 rates, 0.12–0.31". */
export function ratesSummary(rates: Rate[]): string {
  if (rates.length === 1) {
    const [rate] = rates;
    return `${daysText(rate.days)} ${rate.start}–${rate.end} at ${rate.price_per_kwh}/kWh`;
  }
  const prices = rates.map((rate) => rate.price_per_kwh);
  const sorted = [...prices].sort((a, b) => Number(a) - Number(b));
  return `${rates.length} rates, ${sorted[0]}–${sorted[sorted.length - 1]}/kWh`;
}
