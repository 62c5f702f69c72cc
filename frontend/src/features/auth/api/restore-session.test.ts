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
  it("refreshes with the cookie (an empty body) and reads the user from the new access token", async () => {
    const access = jwt({ sub: "u-1", username: "zoë", role: "client", type: "access" });
    const { calls, fetchMock } = fakeApi({ "/api/auth/refresh/": () => ({ access }) });
    await restoreSessionFromLoading();
    expect(authStore.getState()).toEqual({ status: "signedIn", user: { id: "u-1", username: "zoë", role: "client" } });
    expect(calls.map((c) => c.pathname)).toEqual(["/api/auth/refresh/"]);
    const init = fetchMock.mock.calls[0][1];
    expect(init).toMatchObject({ method: "POST", credentials: "same-origin" });
    expect(init?.body).toBeUndefined();
    expect(authStore.accessToken()).toBe(access);
  });

  it("signs out when there is no cookie or it is refused", async () => {
    fakeApi({ "/api/auth/refresh/": () => new Response("{}", { status: 401 }) });
    await restoreSessionFromLoading();
    expect(authStore.getState().status).toBe("signedOut");
    expect(authStore.accessToken()).toBeNull();
  });

  it("does not take a token without a known role for a user", () => {
    expect(userFromToken(jwt({ sub: "u", username: "x", role: "root" }))).toBeNull();
    expect(userFromToken("not-a-jwt")).toBeNull();
  });
});

/** restoreSession as on a page load. */
async function restoreSessionFromLoading(): Promise<void> {
  authStore.markLoading();
  await restoreSession();
}
