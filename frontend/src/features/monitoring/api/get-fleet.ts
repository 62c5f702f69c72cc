import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";
import type { FleetOverview } from "./types";

export function getFleet(date: string, tz: string, signal?: AbortSignal): Promise<FleetOverview> {
  return apiFetch<FleetOverview>("/api/monitoring/fleet/", { query: { date, tz }, signal });
}

/** Every device's local day at once (one query on the server, not one per device). */
export function useFleet(date: string, tz: string) {
  return useQuery({
    queryKey: ["monitoring", "fleet", date, tz],
    queryFn: ({ signal }) => getFleet(date, tz, signal),
    enabled: date !== "",
  });
}
