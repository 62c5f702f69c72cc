import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { components } from "../../../api/generated/auth";
import { apiFetch } from "../../../lib/api-client";
import { refreshUsersLater } from "./refresh-users-later";

export type NewUser = components["schemas"]["AdminCreateUserRequest"];
type Account = components["schemas"]["User"];

/** auth_service owns accounts; the profile list hears of the new one through an event. */
export function createUser(data: NewUser): Promise<Account> {
  return apiFetch("/api/auth/users/", { method: "POST", body: data });
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: createUser, onSuccess: () => refreshUsersLater(queryClient) });
}
