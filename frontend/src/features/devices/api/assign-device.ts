import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";
import { DEVICES_KEY } from "./list-devices";
import type { AssignRequest, Device } from "./types";

/** Assign to a user, or unassign with null. */
export function assignDevice(id: string, userId: string | null): Promise<Device> {
  const body: AssignRequest = { user_id: userId };
  return apiFetch<Device>(`/api/devices/${id}/assign/`, { method: "POST", body });
}

export function useAssignDevice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, userId }: { id: string; userId: string | null }) => assignDevice(id, userId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: DEVICES_KEY }),
  });
}
