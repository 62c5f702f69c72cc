import { describe, expect, it } from "vitest";
import { authStore } from "../../../lib/auth-store";
import { CLIENT, fakeApi, signInAs } from "../../../test/render";
import { endSession } from "./logout";

describe("endSession", () => {
  it("forgets the access token at once and asks the auth service to clear the cookie", async () => {
    signInAs(CLIENT);
    const { calls, fetchMock } = fakeApi({ "/api/auth/logout/": () => new Response(null, { status: 204 }) });
    const done = endSession();
    expect(authStore.getState().status).toBe("signedOut");
    expect(authStore.accessToken()).toBeNull();
    await done;
    expect(calls.map((c) => c.pathname)).toEqual(["/api/auth/logout/"]);
    expect(fetchMock.mock.calls[0][1]).toMatchObject({ method: "POST", credentials: "same-origin" });
  });

  it("is signed out even when the service cannot be reached", async () => {
    signInAs(CLIENT);
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => Promise.reject(new TypeError("offline"))),
    );
    await expect(endSession()).resolves.toBeUndefined();
    expect(authStore.getState().status).toBe("signedOut");
  });
});
