/**
 * Who is signed in. The access token lives only in memory; the refresh token is an HttpOnly
 * cookie (`ems_refresh`, SameSite=Strict, Path=/api/auth/) that no script can read, so every
 * tab of the browser restores the session from it on load (see frontend/README.md, "Tokens").
 *
 * Since the cookie cannot be seen, localStorage holds a hint that one was set (`ems.session`,
 * no token in it): a page with the hint starts "loading" and asks for a refresh, one without
 * starts signed out and asks nothing (no refused refresh on every signed-out page). The hint
 * is shared by the tabs, so signing out in one tab signs the others out too ("storage" event).
 */
import type { components } from "../api/generated/auth";

export type Role = components["schemas"]["RoleEnum"];

export interface SessionUser {
  id: string;
  username: string;
  role: Role;
}

export type AuthState =
  { status: "loading"; user: null } | { status: "signedOut"; user: null } | { status: "signedIn"; user: SessionUser };

export const SESSION_HINT_KEY = "ems.session";

function hasSessionHint(): boolean {
  try {
    return localStorage.getItem(SESSION_HINT_KEY) !== null;
  } catch {
    return true; // storage disabled: ask the cookie on every load
  }
}

function setSessionHint(on: boolean): void {
  try {
    if (on) localStorage.setItem(SESSION_HINT_KEY, "1");
    else localStorage.removeItem(SESSION_HINT_KEY);
  } catch {
    // storage disabled: every load asks the cookie (hasSessionHint)
  }
}

let accessToken: string | null = null;
let state: AuthState = { status: hasSessionHint() ? "loading" : "signedOut", user: null };
const listeners = new Set<() => void>();

function emit(next: AuthState): void {
  state = next;
  listeners.forEach((listener) => listener());
}

function forget(): void {
  accessToken = null;
  emit({ status: "signedOut", user: null });
}

export const authStore = {
  getState: (): AuthState => state,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  accessToken: (): string | null => accessToken,
  setAccessToken(token: string): void {
    accessToken = token;
  },
  /** The login answer's refresh token is not kept: the cookie set with it is what counts. */
  signIn(tokens: { access: string }, user: SessionUser): void {
    accessToken = tokens.access;
    setSessionHint(true);
    emit({ status: "signedIn", user });
  },
  /** As on a page load with the hint, before the cookie's refresh has answered (tests). */
  markLoading(): void {
    emit({ status: "loading", user: null });
  },
  setUser(user: SessionUser): void {
    emit({ status: "signedIn", user });
  },
  /** Forgets the session in every tab; `endSession` in features/auth/api also clears the cookie. */
  signOut(): void {
    setSessionHint(false);
    forget();
  },
};

// Another tab signed out (or its refresh was refused): this one's session ended with it.
if (typeof window !== "undefined") {
  window.addEventListener("storage", (event) => {
    if ((event.key === SESSION_HINT_KEY || event.key === null) && !hasSessionHint() && state.status !== "signedOut") {
      forget();
    }
  });
}
