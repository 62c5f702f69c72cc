import { describe, expect, it } from "vitest";
import { homePathFor } from "./use-auth";

describe("homePathFor", () => {
  it("lands an admin on the fleet page and a client on their energy", () => {
    expect(homePathFor("admin")).toBe("/admin/fleet");
    expect(homePathFor("client")).toBe("/energy");
  });
});
