import { authStore } from "../../../lib/auth-store";

/**
 * Sign out everywhere this browser is signed in: the auth service clears the refresh cookie
 * (so no tab, new or old, can refresh again) and this tab forgets its access token at once,
 * without waiting for the answer. Other open tabs keep theirs until it expires (15 minutes).
 */
export function endSession(): Promise<void> {
  authStore.signOut();
  return fetch("/api/auth/logout/", { method: "POST", credentials: "same-origin" }).then(
    () => undefined,
    () => undefined, // offline: the cookie outlives this tab's session, as after closing it
  );
}
