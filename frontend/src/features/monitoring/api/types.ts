import type { components } from "../../../api/generated/monitoring";

type Schemas = components["schemas"];

/** An overconsumption alert, as the list, mark-read and the alerts WebSocket give it. */
export type Alert = Schemas["Alert"];

export type AlertList = Schemas["PaginatedAlertList"];

export type AlertsMarkedRead = Schemas["AlertsMarkedRead"];

/** A device as monitoring last heard of it from device_service (the dashboard's list). */
export type MonitoredDevice = Schemas["Device"];

// Local types: monitoring's schema still describes the day as `hours: unknown[]` (a placeholder
// for a response built by hand). Replace with Schemas["DailyConsumption"] once it has the shape.
export interface HourConsumption {
  start: string;
  hour: number;
  kwh: number;
}

export interface DailyConsumption {
  device_id: string;
  date: string;
  tz: string;
  hours: HourConsumption[];
  total_kwh: number;
  peak: { hour: number; kwh: number } | null;
  average_kwh: number;
}
