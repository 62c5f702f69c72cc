/**
 * Who is signed in. The access token lives only in memory; the refresh token is an HttpOnly
 * cookie (`ems_refresh`, SameSite=Strict, Path=/api/auth/) that no script can read, so every
 * tab of the browser restores the session from it on load (see frontend/README.md, "Tokens").
 * A page therefore starts "loading" until that refresh has answered.
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

let accessToken: string | null = null;
let state: AuthState = { status: "loading", user: null };
const listeners = new Set<() => void>();

function emit(next: AuthState): void {
  state = next;
  listeners.forEach((listener) => listener());
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
    emit({ status: "signedIn", user });
  },
  /** As on a page load, before the cookie's refresh has answered (tests). */
  markLoading(): void {
    emit({ status: "loading", user: null });
  },
  setUser(user: SessionUser): void {
    emit({ status: "signedIn", user });
  },
  /** Forgets the session in this tab; `signOut` in features/auth/api also clears the cookie. */
  signOut(): void {
    accessToken = null;
    emit({ status: "signedOut", user: null });
  },
};
