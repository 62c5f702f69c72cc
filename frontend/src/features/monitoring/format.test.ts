import { describe, expect, it } from "vitest";
import { change, formatChange, formatKwh, kwhNumber } from "./format";

describe("kWh figures", () => {
  it("shows two decimals from 1 kWh up, and two significant digits below", () => {
    expect(formatKwh(14.5)).toBe("14.50 kWh");
    expect(formatKwh(0.07)).toBe("0.07 kWh");
    expect(formatKwh(0.07 / 24)).toBe("0.0029 kWh"); // a 0.07 kWh day's hourly average: not 0.00
    expect(formatKwh(0.456)).toBe("0.46 kWh");
    expect(formatKwh(0)).toBe("0 kWh");
    expect(kwhNumber(1234.567)).toBe(
      new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(1234.567),
    );
  });

  it("never writes KWH", () => {
    expect(formatKwh(3)).toContain("kWh");
  });

  it("gives the change in kWh and percent, signed", () => {
    expect(formatChange(change(11, 10))).toBe("+1.00 kWh (+10%)");
    expect(formatChange(change(9.5, 10))).toBe("−0.5 kWh (−5%)");
    expect(formatChange(change(10, 10))).toBe("±0 kWh (0%)");
    expect(formatChange(change(10.001, 10))).toBe("+0.001 kWh (+<1%)");
    expect(formatChange(change(2, 0))).toBe("+2.00 kWh"); // nothing to compare a percent with
    expect(change(2, 0).percent).toBeNull();
  });
});
