import type { components } from "../../../api/generated/auth";
import { apiFetch, refreshAccessToken } from "../../../lib/api-client";
import { authStore, type SessionUser } from "../../../lib/auth-store";

/**
 * The user an access token names (claims `sub`, `username`, `role`), or null if it cannot be
 * read. Only for showing the right pages: every service checks the token's signature itself.
 */
export function userFromToken(token: string): SessionUser | null {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(payload.padEnd(Math.ceil(payload.length / 4) * 4, "=")));
    if (typeof claims.sub !== "string" || (claims.role !== "admin" && claims.role !== "client")) return null;
    return { id: claims.sub, username: String(claims.username ?? ""), role: claims.role };
  } catch {
    return null;
  }
}

/**
 * On load (a reload, a new tab): a new access token from the refresh cookie, and who it
 * belongs to (read from the token, so the first page does not wait for one more round trip;
 * /me if it cannot be). No cookie, or a refused one: signed out.
 */
export async function restoreSession(): Promise<void> {
  if (authStore.getState().status !== "loading") return;
  try {
    if (!(await refreshAccessToken())) {
      authStore.signOut();
      return;
    }
    const token = authStore.accessToken();
    const user = token ? userFromToken(token) : null;
    if (user) {
      authStore.setUser(user);
      return;
    }
    const me = await apiFetch<components["schemas"]["User"]>("/api/auth/me/");
    authStore.setUser({ id: me.id, username: me.username, role: me.role });
  } catch {
    authStore.signOut();
  }
}
