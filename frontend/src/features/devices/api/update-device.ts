import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";
import { DEVICES_KEY } from "./list-devices";
import type { Device, DeviceInput } from "./types";

export function updateDevice(id: string, data: DeviceInput): Promise<Device> {
  return apiFetch<Device>(`/api/devices/${id}/`, { method: "PATCH", body: data });
}

export function useUpdateDevice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, data }: { id: string; data: DeviceInput }) => updateDevice(id, data),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: DEVICES_KEY }),
  });
}
