import { describe, expect, it } from "vitest";
import { CLIENT, fakeApi, signInAs } from "../test/render";
import { apiFetch, ApiError } from "./api-client";
import { authStore } from "./auth-store";

describe("apiFetch", () => {
  it("refreshes the access token once on a 401 and retries with the new one", async () => {
    signInAs(CLIENT);
    let meCalls = 0;
    const { fetchMock } = fakeApi({
      "/api/auth/me/": (_url, init) => {
        meCalls += 1;
        const auth = (init?.headers as Record<string, string>).Authorization;
        return auth === "Bearer fresh" ? { ok: true } : new Response("{}", { status: 401 });
      },
      "/api/auth/refresh/": () => ({ access: "fresh" }),
    });
    await expect(apiFetch("/api/auth/me/")).resolves.toEqual({ ok: true });
    expect(meCalls).toBe(2);
    expect(fetchMock).toHaveBeenCalledTimes(3);
    expect(authStore.accessToken()).toBe("fresh");
  });

  it("signs out when the refresh token is refused too", async () => {
    signInAs(CLIENT);
    fakeApi({
      "/api/auth/me/": () => new Response("{}", { status: 401 }),
      "/api/auth/refresh/": () => new Response("{}", { status: 401 }),
    });
    await expect(apiFetch("/api/auth/me/")).rejects.toBeInstanceOf(ApiError);
    expect(authStore.getState().status).toBe("signedOut");
    expect(authStore.accessToken()).toBeNull();
  });

  it("reads a 429's Retry-After as the seconds to wait", async () => {
    fakeApi({
      "/api/auth/login/": () =>
        new Response(JSON.stringify({ errors: [{ code: "throttled", detail: "Try later.", attr: null }] }), {
          status: 429,
          headers: { "Retry-After": "42" },
        }),
    });
    const error = await apiFetch("/api/auth/login/", { method: "POST", body: {}, anonymous: true }).catch(
      (e: unknown) => e,
    );
    expect((error as ApiError).retryAfter).toBe(42);
  });

  it("turns the services' error shape into field errors", async () => {
    signInAs(CLIENT);
    fakeApi({
      "/api/devices/": () =>
        new Response(
          JSON.stringify({
            type: "validation_error",
            errors: [{ code: "min_value", detail: "Must be greater than 0.", attr: "max_hourly_consumption_kwh" }],
          }),
          { status: 400 },
        ),
    });
    const error = await apiFetch("/api/devices/", { method: "POST", body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).fieldErrors()).toEqual({ max_hourly_consumption_kwh: "Must be greater than 0." });
  });
});
