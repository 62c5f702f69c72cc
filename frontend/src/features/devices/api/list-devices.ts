import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";
import type { DeviceList } from "./types";

export const DEVICES_KEY = ["devices"] as const;

/** device_service's list: every device for an admin, the caller's own for a client. */
export function listDevices(page: number, signal?: AbortSignal): Promise<DeviceList> {
  return apiFetch<DeviceList>("/api/devices/", { query: { page }, signal });
}

export function useDevices(page = 1) {
  return useQuery({
    queryKey: [...DEVICES_KEY, "list", page],
    queryFn: ({ signal }) => listDevices(page, signal),
    placeholderData: keepPreviousData,
  });
}
