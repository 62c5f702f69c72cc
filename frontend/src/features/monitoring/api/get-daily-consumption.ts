import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";
import type { DailyConsumption } from "./types";

export interface DailyQuery {
  deviceId: string;
  date: string;
  tz: string;
}

export function getDailyConsumption(query: DailyQuery, signal?: AbortSignal): Promise<DailyConsumption> {
  return apiFetch<DailyConsumption>("/api/monitoring/hourly/daily/", {
    query: { device_id: query.deviceId, date: query.date, tz: query.tz },
    signal,
  });
}

export function useDailyConsumption(query: DailyQuery | null) {
  return useQuery({
    queryKey: ["monitoring", "daily", query],
    queryFn: ({ signal }) => getDailyConsumption(query as DailyQuery, signal),
    enabled: query !== null,
    placeholderData: keepPreviousData,
  });
}
