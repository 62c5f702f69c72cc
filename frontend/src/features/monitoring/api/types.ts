import type { components } from "../../../api/generated/monitoring";

type Schemas = components["schemas"];

/**
 * An overconsumption alert, as the list, mark-read and the alerts WebSocket give it; the owner
 * is the device's when the alert was raised, `read_at` the caller's own.
 */
export type Alert = Schemas["Alert"] & { owner_id?: string | null; owner_username?: string | null };

export type AlertList = Omit<Schemas["PaginatedAlertList"], "results"> & { results: Alert[] };

export type AlertsMarkedRead = Schemas["AlertsMarkedRead"];

/** A local day's hours (23, 24 or 25) with total, peak and average. */
export type DailyConsumption = Schemas["DailyConsumption"];

/** One bucket of a period (an hour, a day or a month): readings counted against those expected. */
export type ConsumptionBucket = Schemas["PeriodBucket"];

export type PeriodTotal = Schemas["PeriodTotal"];

/** This period's total × (its length / the time from its start to the last reading). */
export type Projection = Schemas["Projection"];

/** A day, week, month or year of one device (DESIGN.md §7 "Consumption over a period"). */
export type PeriodConsumption = Schemas["PeriodConsumption"];

/** The fleet's day (admin): totals and cost, top 10, devices over their maximum, silent ones. */
export type FleetOverview = Schemas["FleetOverview"];

/** Where a device's cumulative register went down: a new baseline (admin). */
export type MeterReset = Schemas["MeterReset"];

export type MeterResets = Schemas["MeterResets"];
