import { describe, expect, it } from "vitest";
import { formatMoney, NO_TARIFF } from "./format";

const digits = (text: string) => text.replace(/[^\d.,]/g, "");

describe("formatMoney", () => {
  it("rounds the exact decimal string half-even to the currency's minor unit", () => {
    expect(digits(formatMoney("0.125", "EUR"))).toBe("0.12");
    expect(digits(formatMoney("0.135", "EUR"))).toBe("0.14");
    // A float would have been 0.12499999999999999 or 0.135000000000000008...: the string is exact.
    expect(digits(formatMoney("2.675", "EUR"))).toBe("2.68");
    expect(digits(formatMoney("0.125000000001", "EUR"))).toBe("0.13");
    expect(formatMoney("1.5", "EUR")).toContain("€");
  });

  it("uses the currency's own decimals", () => {
    expect(digits(formatMoney("1234.5", "JPY"))).toBe("1,234");
    expect(digits(formatMoney("1235.5", "JPY"))).toBe("1,236");
    expect(digits(formatMoney("1.2345", "KWD"))).toBe("1.234");
  });

  it("shows 0 as a real amount and null as no tariff", () => {
    expect(digits(formatMoney("0", "EUR"))).toBe("0.00");
    expect(formatMoney(null, "EUR")).toBe(NO_TARIFF);
    expect(formatMoney("1", null)).toBe(NO_TARIFF);
  });
});
