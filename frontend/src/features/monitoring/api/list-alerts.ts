import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiFetch, type Page } from "../../../lib/api-client";
import { ALERTS_KEY, type Alert } from "./alert-types";

export interface AlertListQuery {
  page: number;
  unread: boolean;
}

/** The caller's alerts (an admin's: all), newest first. */
export function listAlerts(query: AlertListQuery, signal?: AbortSignal): Promise<Page<Alert>> {
  return apiFetch<Page<Alert>>("/api/monitoring/alerts/", {
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
