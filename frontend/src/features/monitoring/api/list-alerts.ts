import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";
import type { AlertList } from "./types";

export const ALERTS_KEY = ["monitoring", "alerts"] as const;

export interface AlertListQuery {
  page: number;
  unread: boolean;
}

/** The caller's alerts (an admin's: all), newest first. */
export function listAlerts(query: AlertListQuery, signal?: AbortSignal): Promise<AlertList> {
  return apiFetch<AlertList>("/api/monitoring/alerts/", {
    query: { page: query.page, unread: query.unread ? "true" : undefined },
    signal,
  });
}

export function useAlerts(query: AlertListQuery) {
  return useQuery({
    queryKey: [...ALERTS_KEY, "list", query],
    queryFn: ({ signal }) => listAlerts(query, signal),
    placeholderData: keepPreviousData,
  });
}
