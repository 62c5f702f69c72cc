import { useMutation } from "@tanstack/react-query";
import type { components } from "../../../api/generated/auth";
import { apiFetch } from "../../../lib/api-client";
import { authStore, type SessionUser } from "../../../lib/auth-store";

type Schemas = components["schemas"];

export type Credentials = Schemas["LoginRequest"];

/** The schema types the user's `role` as any string (TokenUser); it is one of the two roles. */
type LoginResponse = Omit<Schemas["LoginResponse"], "user"> & { user: SessionUser };

export async function login(credentials: Credentials): Promise<SessionUser> {
  const body = await apiFetch<LoginResponse>("/api/auth/login/", {
    method: "POST",
    body: credentials,
    anonymous: true,
  });
  authStore.signIn(body, body.user);
  return body.user;
}

export function useLogin() {
  return useMutation({ mutationFn: login });
}
