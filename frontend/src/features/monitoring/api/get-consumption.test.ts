import { describe, expect, it } from "vitest";
import { LIVE_REFRESH_MS, liveRefreshInterval } from "./get-consumption";

describe("a running period refreshes itself", () => {
  it("asks again every minute while the period runs, and not once it is over", () => {
    expect(LIVE_REFRESH_MS).toBe(60_000);
    expect(liveRefreshInterval({ partial: true })).toBe(60_000);
    expect(liveRefreshInterval({ partial: false })).toBe(false);
    expect(liveRefreshInterval(undefined)).toBe(false);
  });
});
