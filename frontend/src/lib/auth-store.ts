/**
 * Who is signed in. The access token lives only in memory; the refresh token is kept in
 * sessionStorage so a reload of the tab stays signed in while closing the tab signs out
 * (see frontend/README.md, "Tokens").
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

const REFRESH_KEY = "ems.refresh";

let accessToken: string | null = null;
let state: AuthState = { status: readRefreshToken() ? "loading" : "signedOut", user: null };
const listeners = new Set<() => void>();

function readRefreshToken(): string | null {
  try {
    return sessionStorage.getItem(REFRESH_KEY);
  } catch {
    return null; // storage disabled: the session lasts as long as the page
  }
}

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
  refreshToken: readRefreshToken,
  setAccessToken(token: string): void {
    accessToken = token;
  },
  signIn(tokens: { access: string; refresh: string }, user: SessionUser): void {
    accessToken = tokens.access;
    try {
      sessionStorage.setItem(REFRESH_KEY, tokens.refresh);
    } catch {
      // storage disabled: fine, the refresh token is simply not kept across reloads
    }
    emit({ status: "signedIn", user });
  },
  /** As on a page load with a kept refresh token (tests). */
  markLoading(): void {
    emit({ status: "loading", user: null });
  },
  setUser(user: SessionUser): void {
    emit({ status: "signedIn", user });
  },
  signOut(): void {
    accessToken = null;
    try {
      sessionStorage.removeItem(REFRESH_KEY);
    } catch {
      // nothing kept
    }
    emit({ status: "signedOut", user: null });
  },
};
