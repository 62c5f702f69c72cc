import { describe, expect, it } from "vitest";
import { authStore } from "../../../lib/auth-store";
import { CLIENT, fakeApi } from "../../../test/render";
import { login } from "./login";

function storedValues(): string[] {
  return [sessionStorage, localStorage].flatMap((storage) =>
    Array.from({ length: storage.length }, (_, i) => storage.getItem(storage.key(i) ?? "") ?? ""),
  );
}

describe("login", () => {
  it("keeps the access token in memory and the refresh token nowhere a script can read", async () => {
    fakeApi({ "/api/auth/login/": () => ({ access: "access-1", refresh: "refresh-secret", user: CLIENT }) });
    await expect(login({ username: "carol", password: "pw" })).resolves.toEqual(CLIENT);
    expect(authStore.getState()).toEqual({ status: "signedIn", user: CLIENT });
    expect(authStore.accessToken()).toBe("access-1");
    expect(storedValues().filter((value) => value.includes("refresh-secret") || value.includes("access-1"))).toEqual(
      [],
    );
  });
});
