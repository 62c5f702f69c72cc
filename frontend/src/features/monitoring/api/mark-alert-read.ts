import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";
import { ALERTS_KEY } from "./list-alerts";
import type { Alert } from "./types";

export function markAlertRead(id: string): Promise<Alert> {
  return apiFetch<Alert>(`/api/monitoring/alerts/${id}/read/`, { method: "POST" });
}

export function useMarkAlertRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: markAlertRead,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ALERTS_KEY }),
  });
}
