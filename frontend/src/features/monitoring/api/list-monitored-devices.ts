import { useQuery } from "@tanstack/react-query";
import { fetchAllPages } from "../../../lib/api-client";
import type { Device } from "../../devices/api/types";

/** The devices monitoring knows and the caller may see (a client: own; an admin: all). */
export function listMonitoredDevices(signal?: AbortSignal): Promise<Device[]> {
  return fetchAllPages<Device>("/api/monitoring/devices/", {}, signal);
}

export function useMonitoredDevices() {
  return useQuery({
    queryKey: ["monitoring", "devices"],
    queryFn: ({ signal }) => listMonitoredDevices(signal),
  });
}
