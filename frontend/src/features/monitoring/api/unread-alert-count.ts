import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";
import { ALERTS_KEY } from "./list-alerts";
import type { AlertList } from "./types";

/** How many of the caller's alerts are unread (the list's count; one page is enough). */
export async function unreadAlertCount(signal?: AbortSignal): Promise<number> {
  const page = await apiFetch<AlertList>("/api/monitoring/alerts/", { query: { unread: "true" }, signal });
  return page.count;
}

export function useUnreadAlertCount(enabled: boolean) {
  return useQuery({
    queryKey: [...ALERTS_KEY, "unread-count"],
    queryFn: ({ signal }) => unreadAlertCount(signal),
    enabled,
    // The WebSocket refreshes it when an alert arrives; this catches what a dropped socket missed.
    refetchInterval: 60_000,
  });
}
