import { format } from "date-fns";
import type { Alert } from "./api/types";

/** The alert's hour in the browser's zone: "1 Jun 2025, 19:00–20:00". */
export function alertHour(alert: Alert): string {
  const start = new Date(alert.hour_start);
  const end = new Date(start.getTime() + 3600_000);
  return `${format(start, "d MMM yyyy, HH:mm")}–${format(end, "HH:mm")}`;
}

/** The dashboard URL showing the alert's device on the alert's local day. */
export function alertDashboardPath(alert: Alert): string {
  return `/energy?device=${alert.device_id}&date=${format(new Date(alert.hour_start), "yyyy-MM-dd")}`;
}

export function alertSummary(alert: Alert): string {
  return `${alert.device_name} used ${alert.kwh.toFixed(2)} kWh in ${alertHour(alert)}, over its ${alert.max_kwh} kWh maximum.`;
}
