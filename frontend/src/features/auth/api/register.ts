import { useMutation } from "@tanstack/react-query";
import type { components } from "../../../api/generated/auth";
import { apiFetch } from "../../../lib/api-client";

export type Registration = components["schemas"]["RegisterRequest"];
type Account = components["schemas"]["User"];

export function register(data: Registration): Promise<Account> {
  return apiFetch("/api/auth/register/", { method: "POST", body: data, anonymous: true });
}

export function useRegister() {
  return useMutation({ mutationFn: register });
}
