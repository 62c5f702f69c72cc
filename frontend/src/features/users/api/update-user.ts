import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { components } from "../../../api/generated/auth";
import { apiFetch } from "../../../lib/api-client";
import type { Role } from "../../../lib/auth-store";
import { refreshUsersLater } from "./refresh-users-later";
import type { ProfileChanges, UserProfile } from "./types";

type AccountChanges = components["schemas"]["PatchedAdminUpdateUserRequest"];

export interface UserChanges {
  full_name: string;
  email: string;
  role: Role;
}

/** The profile lives in user_service, the role in auth_service: each gets its own PATCH. */
export async function updateUser(user: UserProfile, changes: UserChanges): Promise<void> {
  if (changes.full_name !== user.full_name || changes.email !== user.email) {
    const profile: ProfileChanges = { full_name: changes.full_name, email: changes.email };
    await apiFetch(`/api/users/${user.id}/`, { method: "PATCH", body: profile });
  }
  if (changes.role !== user.role) {
    const account: AccountChanges = { role: changes.role };
    await apiFetch(`/api/auth/users/${user.id}/`, { method: "PATCH", body: account });
  }
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ user, changes }: { user: UserProfile; changes: UserChanges }) => updateUser(user, changes),
    onSuccess: () => refreshUsersLater(queryClient),
  });
}
