import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";
import type { Role } from "../../../lib/auth-store";
import { refreshUsersLater } from "./refresh-users-later";
import type { UserProfile } from "./types";

export interface UserChanges {
  full_name: string;
  email: string;
  role: Role;
}

/** The profile lives in user_service, the role in auth_service: each gets its own PATCH. */
export async function updateUser(user: UserProfile, changes: UserChanges): Promise<void> {
  if (changes.full_name !== user.full_name || changes.email !== user.email) {
    await apiFetch(`/api/users/${user.id}/`, {
      method: "PATCH",
      body: { full_name: changes.full_name, email: changes.email },
    });
  }
  if (changes.role !== user.role) {
    await apiFetch(`/api/auth/users/${user.id}/`, { method: "PATCH", body: { role: changes.role } });
  }
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ user, changes }: { user: UserProfile; changes: UserChanges }) =>
      updateUser(user, changes),
    onSuccess: () => refreshUsersLater(queryClient),
  });
}
