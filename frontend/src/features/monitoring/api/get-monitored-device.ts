import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";
import { MONITORED_DEVICES_KEY } from "./list-monitored-devices";
import type { MonitoredDevice } from "./types";

export function getMonitoredDevice(id: string, signal?: AbortSignal): Promise<MonitoredDevice> {
  return apiFetch<MonitoredDevice>(`/api/monitoring/devices/${id}/`, { signal });
}

/** One device by id (a filter named in the address); null id asks nothing. */
export function useMonitoredDevice(id: string | null) {
  return useQuery({
    queryKey: [...MONITORED_DEVICES_KEY, "one", id],
    queryFn: ({ signal }) => getMonitoredDevice(id as string, signal),
    enabled: !!id,
    staleTime: 60_000,
    retry: false,
  });
}
