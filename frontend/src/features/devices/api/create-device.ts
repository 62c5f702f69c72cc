import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";
import { DEVICES_KEY } from "./list-devices";
import type { Device, DeviceInput } from "./types";

export function createDevice(data: DeviceInput): Promise<Device> {
  return apiFetch<Device>("/api/devices/", { method: "POST", body: data });
}

export function useCreateDevice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createDevice,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: DEVICES_KEY }),
  });
}
