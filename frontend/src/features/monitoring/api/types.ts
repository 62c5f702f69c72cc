import type { components } from "../../../api/generated/monitoring";

type Schemas = components["schemas"];

/** An overconsumption alert, as the list, mark-read and the alerts WebSocket give it. */
export type Alert = Schemas["Alert"];

export type AlertList = Schemas["PaginatedAlertList"];

export type AlertsMarkedRead = Schemas["AlertsMarkedRead"];

/** A device as monitoring last heard of it from device_service (the dashboard's list). */
export type MonitoredDevice = Schemas["Device"] & {
  /** The tariff in force now (TEMPORARY until the tariffs schema is merged). */
  tariff?: { id: string; name: string; currency: string } | null;
};

/** A local day's hours (23, 24 or 25) with total, peak and average. */
export type DailyConsumption = Schemas["DailyConsumption"];

/** One bucket of a period (an hour, a day or a month): readings counted against those expected. */
// TEMPORARY until the tariffs branch's schema is merged (issue 15 contract shapes).
export type ConsumptionBucket = Schemas["PeriodBucket"] & { cost: string | null };

export type PeriodTotal = Omit<Schemas["PeriodTotal"], "total_cost"> & { total_cost: string | null };

export interface Projection {
  total_kwh: number;
  total_cost: string | null;
  basis_hours: number;
}

/** A day, week, month or year of one device (DESIGN.md §7 "Consumption over a period"). */
export type PeriodConsumption = Omit<
  Schemas["PeriodConsumption"],
  "total_cost" | "buckets" | "previous" | "last_year"
> & {
  total_cost: string | null;
  buckets: ConsumptionBucket[];
  previous: PeriodTotal;
  last_year: PeriodTotal;
  projection: Projection | null;
};

/** The fleet's day (admin): totals, top 10, devices over their maximum, silent ones. TEMPORARY cost fields. */
export type FleetOverview = Omit<Schemas["FleetOverview"], "top"> & {
  total_cost: string | null;
  currency: string | null;
  top: (Schemas["FleetTop"] & { cost: string | null })[];
};
