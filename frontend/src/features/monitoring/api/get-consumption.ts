import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";
import type { Period } from "../period";
import type { PeriodConsumption } from "./types";

export const CONSUMPTION_KEY = ["monitoring", "consumption"] as const;

/** While a period is running its figures grow: ask again this often (and on an alert). */
export const LIVE_REFRESH_MS = 60_000;

/** How often to ask again: every minute while the period runs, never once it is over. */
export function liveRefreshInterval(data: Pick<PeriodConsumption, "partial"> | undefined): number | false {
  return data?.partial ? LIVE_REFRESH_MS : false;
}

export interface ConsumptionQuery {
  deviceId: string;
  period: Period;
  date: string;
  tz: string;
}

export function getConsumption(query: ConsumptionQuery, signal?: AbortSignal): Promise<PeriodConsumption> {
  return apiFetch<PeriodConsumption>("/api/monitoring/consumption/", {
    query: { device_id: query.deviceId, period: query.period, date: query.date, tz: query.tz },
    signal,
  });
}

/**
 * One period of one device. No placeholder from the previous key: a new period shows its own
 * loading state, never the last period's figures under the new heading.
 */
export function useConsumption(query: ConsumptionQuery | null) {
  return useQuery({
    queryKey: [...CONSUMPTION_KEY, query],
    queryFn: ({ signal }) => getConsumption(query as ConsumptionQuery, signal),
    enabled: query !== null,
    refetchInterval: (q) => liveRefreshInterval(q.state.data),
  });
}
