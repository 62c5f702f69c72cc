import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";
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
export function listDevices(query: DeviceListQuery, signal?: AbortSignal): Promise<DeviceList> {
  return apiFetch<DeviceList>("/api/devices/", { query: { ...query }, signal });
}

export function useDevices(query: DeviceListQuery) {
  return useQuery({
    queryKey: [...DEVICES_KEY, "list", query],
    queryFn: ({ signal }) => listDevices(query, signal),
    placeholderData: keepPreviousData,
  });
}
