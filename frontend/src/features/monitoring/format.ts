/**
 * Numbers and times on the dashboard, all in one locale: the browser's, as Intl resolves it by
 * default. That is the browser's own language, which its native date field follows too, so the
 * field, the headings and the figures agree (never a format written out by hand).
 */
export const LOCALE: string = new Intl.DateTimeFormat().resolvedOptions().locale;

const twoDecimals = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const twoSignificant = new Intl.NumberFormat(LOCALE, { maximumSignificantDigits: 2 });
const wholePercent = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0, signDisplay: "exceptZero" });

/** A number of kWh without its unit: two decimals, or two significant digits below 1 (0.0029). */
export function kwhNumber(value: number): string {
  if (value === 0) return "0";
  if (Math.abs(value) < 1) return twoSignificant.format(value);
  return twoDecimals.format(value);
}

const axis = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 });

/** An axis tick: as short as it can be ("60", "1.5", "0.25"). */
export function axisNumber(value: number): string {
  return axis.format(value);
}

/** "14.50 kWh", "0.07 kWh", "0.0029 kWh" (never "0.00 kWh" for a small non-zero amount). */
export function formatKwh(value: number): string {
  return `${kwhNumber(value)} kWh`;
}

export interface Change {
  kwh: number;
  /** null when there is nothing to compare with (the other period used 0 kWh). */
  percent: number | null;
}

export function change(current: number, before: number): Change {
  const kwh = current - before;
  return { kwh, percent: before > 0 ? (kwh / before) * 100 : null };
}

/** "+1.20 kWh (+12%)", "−0.05 kWh (−3%)", "±0 kWh". */
export function formatChange({ kwh, percent }: Change): string {
  if (kwh === 0) return "±0 kWh (0%)";
  const sign = kwh > 0 ? "+" : "−";
  const amount = `${sign}${kwhNumber(Math.abs(kwh))} kWh`;
  if (percent === null) return amount;
  const rounded = Math.round(percent);
  const pct = rounded === 0 ? `${sign}<1%` : wholePercent.format(rounded).replace("-", "−") + "%";
  return `${amount} (${pct})`;
}

/** An instant's local time, with the day when it is not `sameDayAs`'s: "14:32" or "Tue 1 Dec, 14:32". */
export function formatInstant(isoInstant: string, tz: string, withDay = true): string {
  const options: Intl.DateTimeFormatOptions = {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: tz,
    ...(withDay ? { weekday: "short", day: "numeric", month: "short" } : {}),
  };
  return new Intl.DateTimeFormat(LOCALE, options).format(new Date(isoInstant));
}

/** What a figure without a price says instead (no tariff was in force for some of its energy). */
export const NO_TARIFF = "no tariff";

type DecimalFormat = Intl.NumberFormat & { format(value: number | bigint | `${number}`): string };

const moneyFormats = new Map<string, DecimalFormat>();

function moneyFormat(currency: string): DecimalFormat {
  let format = moneyFormats.get(currency);
  if (!format) {
    // The currency's own minor unit (JPY 0, EUR 2, KWD 3), rounded half-even once, here.
    const options = { style: "currency", currency, roundingMode: "halfEven" } as Intl.NumberFormatOptions;
    format = new Intl.NumberFormat(LOCALE, options) as DecimalFormat;
    moneyFormats.set(currency, format);
  }
  return format;
}

/**
 * An amount of money from the API's exact decimal string ("0.125", "12.5", "0"), formatted as
 * the string itself (never through a float), half-even to the currency's minor unit. null (no
 * price, or no currency) says "no tariff"; "0" is a real 0.
 */
export function formatMoney(value: string | null | undefined, currency: string | null | undefined): string {
  if (value === null || value === undefined || !currency) return NO_TARIFF;
  return moneyFormat(currency).format(value as `${number}`);
}
