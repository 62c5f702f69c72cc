import { useSyncExternalStore } from "react";
import { authStore } from "../../lib/auth-store";

/** Whether an admin is signed in (an admin's pages show the fleet: owners, pickers). */
export function useIsAdmin(): boolean {
  return useSyncExternalStore(authStore.subscribe, () => authStore.getState().user?.role === "admin");
}
