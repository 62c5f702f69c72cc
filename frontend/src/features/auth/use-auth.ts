import { useSyncExternalStore } from "react";
import { authStore, type AuthState } from "../../lib/auth-store";

export function useAuth(): AuthState {
  return useSyncExternalStore(authStore.subscribe, authStore.getState);
}

/** Where signing in (and "/") takes someone: an admin to the fleet's day, a client to their energy. */
export function homePathFor(role: string): string {
  return role === "admin" ? "/admin/fleet" : "/energy";
}
