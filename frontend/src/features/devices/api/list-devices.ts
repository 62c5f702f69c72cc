import { usePageQuery } from "../../../lib/queries";
import type { DeviceList } from "./types";

export const DEVICES_KEY = ["devices"] as const;

export interface DeviceListQuery {
  page: number;
  search?: string;
  /** name, max_hourly_consumption_kwh, owner_username or created_at; `-` first: descending. */
  ordering?: string;
  /** "true": only assigned devices, "false": only unassigned ones, blank: all. */
  assigned?: string;
}

/** device_service's list: every device for an admin, the caller's own for a client. */
export function useDevices(query: DeviceListQuery) {
  return usePageQuery<DeviceList>(DEVICES_KEY, "/api/devices/", { ...query });
}
