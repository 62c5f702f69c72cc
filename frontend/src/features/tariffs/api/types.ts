// TEMPORARY shapes of the issue 15 contract until the tariffs branch's generated schema is merged.

/** One window of a week: days (Monday 0), [start, end) local wall time, a price per kWh. */
export interface Rate {
  days: number[];
  start: string;
  end: string;
  /** An exact decimal string. */
  price_per_kwh: string;
}

export interface Tariff {
  id: string;
  name: string;
  currency: string;
  /** null: the default for every device. */
  device_id: string | null;
  valid_from: string;
  tz: string;
  rates: Rate[];
}

export type TariffInput = Omit<Tariff, "id">;

export interface TariffList {
  count: number;
  next: string | null;
  previous: string | null;
  results: Tariff[];
}
