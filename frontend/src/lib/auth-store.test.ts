import { describe, expect, it } from "vitest";
import { CLIENT, signInAs } from "../test/render";
import { authStore, SESSION_HINT_KEY } from "./auth-store";

describe("authStore", () => {
  it("leaves a hint (no token) that a session cookie was set, and removes it on sign-out", () => {
    signInAs(CLIENT);
    expect(localStorage.getItem(SESSION_HINT_KEY)).toBe("1");
    authStore.signOut();
    expect(localStorage.getItem(SESSION_HINT_KEY)).toBeNull();
  });

  it("signs this tab out when another tab signs out", () => {
    signInAs(CLIENT);
    localStorage.removeItem(SESSION_HINT_KEY); // what the other tab did
    window.dispatchEvent(new StorageEvent("storage", { key: SESSION_HINT_KEY, oldValue: "1", newValue: null }));
    expect(authStore.getState().status).toBe("signedOut");
    expect(authStore.accessToken()).toBeNull();
  });

  it("stays signed in when another tab changes something else", () => {
    signInAs(CLIENT);
    window.dispatchEvent(new StorageEvent("storage", { key: "ems.theme", newValue: "dark" }));
    expect(authStore.getState()).toEqual({ status: "signedIn", user: CLIENT });
  });
});
