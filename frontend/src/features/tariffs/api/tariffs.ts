import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";
import { usePageQuery } from "../../../lib/queries";
import type { Tariff, TariffInput, TariffList } from "./types";

export const TARIFFS_KEY = ["monitoring", "tariffs"] as const;

/** Which tariff is in force shows on monitoring's device list: refresh it with the tariffs. */
const DEVICES_KEY = ["monitoring", "devices"] as const;

export function useTariffs(page = 1) {
  return usePageQuery<TariffList>(TARIFFS_KEY, "/api/monitoring/tariffs/", { page });
}

function useTariffMutation<V>(mutationFn: (variables: V) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: TARIFFS_KEY }),
        queryClient.invalidateQueries({ queryKey: DEVICES_KEY }),
      ]),
  });
}

export function useCreateTariff() {
  return useTariffMutation((data: TariffInput) =>
    apiFetch<Tariff>("/api/monitoring/tariffs/", { method: "POST", body: data }),
  );
}

export function useUpdateTariff() {
  return useTariffMutation(({ id, data }: { id: string; data: TariffInput }) =>
    apiFetch<Tariff>(`/api/monitoring/tariffs/${id}/`, { method: "PATCH", body: data }),
  );
}

export function useDeleteTariff() {
  return useTariffMutation((id: string) => apiFetch<void>(`/api/monitoring/tariffs/${id}/`, { method: "DELETE" }));
}
