import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";
import { refreshUsersLater } from "./refresh-users-later";

export function deleteUser(id: string): Promise<void> {
  return apiFetch(`/api/auth/users/${id}/`, { method: "DELETE" });
}

export function useDeleteUser() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: deleteUser, onSuccess: () => refreshUsersLater(queryClient) });
}
