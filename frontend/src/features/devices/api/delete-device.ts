import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";
import { DEVICES_KEY } from "./list-devices";

export function deleteDevice(id: string): Promise<void> {
  return apiFetch(`/api/devices/${id}/`, { method: "DELETE" });
}

export function useDeleteDevice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteDevice,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: DEVICES_KEY }),
  });
}
