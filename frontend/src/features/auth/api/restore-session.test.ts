import { describe, expect, it } from "vitest";
import { authStore } from "../../../lib/auth-store";
import { fakeApi } from "../../../test/render";
import { restoreSession, userFromToken } from "./restore-session";

function jwt(claims: object): string {
  const part = (value: object) =>
    btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${part({ alg: "RS256" })}.${part(claims)}.signature`;
}

describe("restoreSession", () => {
  it("reads the user from a fresh access token after a reload", async () => {
    sessionStorage.setItem("ems.refresh", "kept-refresh");
    const access = jwt({ sub: "u-1", username: "zoë", role: "client", type: "access" });
    const { calls } = fakeApi({ "/api/auth/refresh/": () => ({ access }) });
    await restoreSessionFromLoading();
    expect(authStore.getState()).toEqual({ status: "signedIn", user: { id: "u-1", username: "zoë", role: "client" } });
    expect(calls.map((c) => c.pathname)).toEqual(["/api/auth/refresh/"]);
  });

  it("signs out when the kept refresh token is refused", async () => {
    fakeApi({ "/api/auth/refresh/": () => new Response("{}", { status: 401 }) });
    sessionStorage.setItem("ems.refresh", "stale");
    await restoreSessionFromLoading();
    expect(authStore.getState().status).toBe("signedOut");
  });

  it("does not take a token without a known role for a user", () => {
    expect(userFromToken(jwt({ sub: "u", username: "x", role: "root" }))).toBeNull();
    expect(userFromToken("not-a-jwt")).toBeNull();
  });
});

/** restoreSession as on a page load with a kept refresh token. */
async function restoreSessionFromLoading(): Promise<void> {
  authStore.markLoading();
  await restoreSession();
}
