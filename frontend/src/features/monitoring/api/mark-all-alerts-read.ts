import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";
import { ALERTS_KEY } from "./list-alerts";
import type { AlertsMarkedRead } from "./types";

export function markAllAlertsRead(): Promise<AlertsMarkedRead> {
  return apiFetch<AlertsMarkedRead>("/api/monitoring/alerts/read-all/", { method: "POST" });
}

export function useMarkAllAlertsRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: markAllAlertsRead,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ALERTS_KEY }),
  });
}
