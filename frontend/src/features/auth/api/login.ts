import { useMutation } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";
import { authStore, type SessionUser } from "../../../lib/auth-store";

export interface Credentials {
  username: string;
  password: string;
}

interface LoginResponse {
  access: string;
  refresh: string;
  user: SessionUser;
}

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
