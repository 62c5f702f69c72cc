import { usePageQuery } from "../../../lib/queries";
import type { AlertList } from "./types";

export const ALERTS_KEY = ["monitoring", "alerts"] as const;

export interface AlertListQuery {
  page: number;
  /** "true": only the caller's unread ones; blank: all. */
  unread?: string;
  search?: string;
  /** created_at, hour_start, kwh or device_name; `-` first: descending. */
  ordering?: string;
  device_id?: string;
  /** The device's owner when the alert was raised (admin). */
  owner_id?: string;
}

/** The caller's alerts (an admin's: all), newest first unless ordered otherwise. */
export function useAlerts(query: AlertListQuery) {
  return usePageQuery<AlertList>(ALERTS_KEY, "/api/monitoring/alerts/", { ...query });
}
