import { useMutation } from "@tanstack/react-query";
import { apiFetch } from "../../../lib/api-client";

export interface Registration {
  username: string;
  password: string;
  full_name: string;
  email: string;
}

export function register(data: Registration): Promise<unknown> {
  return apiFetch("/api/auth/register/", { method: "POST", body: data, anonymous: true });
}

export function useRegister() {
  return useMutation({ mutationFn: register });
}
