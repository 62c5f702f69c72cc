import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";
import type { Role } from "../../../lib/auth-store";
import { refreshUsersLater } from "./refresh-users-later";

export interface NewUser {
  username: string;
  password: string;
  full_name: string;
  email: string;
  role: Role;
}

export function createUser(data: NewUser): Promise<{ id: string; username: string }> {
  return apiFetch("/api/auth/users/", { method: "POST", body: data });
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: createUser, onSuccess: () => refreshUsersLater(queryClient) });
}
