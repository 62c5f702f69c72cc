import { describe, expect, it } from "vitest";
import { CLIENT, signInAs } from "../test/render";
import { authStore } from "./auth-store";
import { clearOnSignOut, createQueryClient } from "./query-client";

describe("clearOnSignOut", () => {
  it("drops the cached data of the user who signed out, however the session ended", () => {
    const queryClient = createQueryClient();
    const stop = clearOnSignOut(queryClient);
    signInAs(CLIENT);
    queryClient.setQueryData(["monitoring", "devices"], [{ id: "dev-1" }]);
    authStore.signOut();
    expect(queryClient.getQueryData(["monitoring", "devices"])).toBeUndefined();
    stop();
  });

  it("keeps the cache while the session goes on", () => {
    const queryClient = createQueryClient();
    const stop = clearOnSignOut(queryClient);
    signInAs(CLIENT);
    queryClient.setQueryData(["monitoring", "devices"], [{ id: "dev-1" }]);
    authStore.setAccessToken("refreshed");
    authStore.setUser(CLIENT);
    expect(queryClient.getQueryData(["monitoring", "devices"])).toEqual([{ id: "dev-1" }]);
    stop();
  });
});
