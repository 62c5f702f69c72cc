import { useQuery } from "@tanstack/react-query";
import { fetchAllPages } from "../../../lib/api-client";
import type { MonitoredDevice } from "./types";

/** The devices monitoring knows and the caller may see (a client: own; an admin: all). */
export function listMonitoredDevices(signal?: AbortSignal): Promise<MonitoredDevice[]> {
  return fetchAllPages<MonitoredDevice>("/api/monitoring/devices/", {}, signal);
}

export function useMonitoredDevices() {
  return useQuery({
    queryKey: ["monitoring", "devices"],
    queryFn: ({ signal }) => listMonitoredDevices(signal),
  });
}
