import { apiFetch, refreshAccessToken } from "../../../lib/api-client";
import { authStore, type SessionUser } from "../../../lib/auth-store";

/** After a reload: a new access token from the kept refresh token, then who it belongs to. */
export async function restoreSession(): Promise<void> {
  if (authStore.getState().status !== "loading") return;
  try {
    if (!(await refreshAccessToken())) {
      authStore.signOut();
      return;
    }
    const me = await apiFetch<SessionUser>("/api/auth/me/");
    authStore.setUser({ id: me.id, username: me.username, role: me.role });
  } catch {
    authStore.signOut();
  }
}
