import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiFetch, fetchAllPages } from "../../lib/api-client";
import { usePageQuery } from "../../lib/queries";
import type { MonitoredDevice, MonitoredDeviceList } from "./types";

export const MONITORED_DEVICES_KEY = ["monitoring", "devices"] as const;

/** The devices monitoring knows and the caller may see (a client: own; an admin: all). */
export function listMonitoredDevices(signal?: AbortSignal): Promise<MonitoredDevice[]> {
  return fetchAllPages<MonitoredDevice>("/api/monitoring/devices/", {}, signal);
}

/**
 * The devices the caller may see: all of them, or with `firstPageOnly` the first page (an admin's
 * fleet runs to thousands: the energy page needs only a first device, and finds others by search).
 */
export function useMonitoredDevices({ firstPageOnly = false } = {}) {
  return useQuery({
    queryKey: [...MONITORED_DEVICES_KEY, firstPageOnly ? "first-page" : "all"],
    queryFn: ({ signal }) =>
      firstPageOnly
        ? apiFetch<MonitoredDeviceList>("/api/monitoring/devices/", { signal }).then((page) => page.results)
        : listMonitoredDevices(signal),
  });
}

/** The first page of devices whose name or owner's username holds `search` (the picker's). */
export function searchMonitoredDevices(search: string, signal?: AbortSignal): Promise<MonitoredDeviceList> {
  return apiFetch<MonitoredDeviceList>("/api/monitoring/devices/", { query: { search }, signal });
}

export function useMonitoredDeviceSearch(search: string) {
  return useQuery({
    queryKey: [...MONITORED_DEVICES_KEY, "search", search],
    queryFn: ({ signal }) => searchMonitoredDevices(search, signal),
    placeholderData: keepPreviousData,
  });
}

/** One page of the devices (the tariffs page's "which device uses which"). */
export function useMonitoredDevicePage(page: number) {
  return usePageQuery<MonitoredDeviceList>(MONITORED_DEVICES_KEY, "/api/monitoring/devices/", { page });
}
