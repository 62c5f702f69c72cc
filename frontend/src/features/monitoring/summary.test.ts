import { describe, expect, it } from "vitest";
import type { DailyConsumption } from "./api/types";
import { chartRows, summarize } from "./summary";

function day(kwh: number[], hours?: number[]): DailyConsumption {
  const hourList = hours ?? kwh.map((_, i) => i);
  const total = kwh.reduce((a, b) => a + b, 0);
  return {
    device_id: "d1",
    date: "2025-06-01",
    tz: "UTC",
    hours: kwh.map((value, i) => ({
      start: `2025-06-01T${String(hourList[i]).padStart(2, "0")}:00:00+00:00`,
      hour: hourList[i],
      kwh: value,
    })),
    total_kwh: total,
    peak: null,
    average_kwh: total / kwh.length,
  };
}

describe("summarize", () => {
  it("gives the total with two decimals, the peak hour and the average per hour", () => {
    const values = Array.from({ length: 24 }, (_, h) => (h === 18 ? 2.5 : 0.25));
    const summary = summarize(day(values));
    expect(summary.hasData).toBe(true);
    expect(summary.total).toBe("8.25"); // 23 * 0.25 + 2.5
    expect(summary.peak).toEqual({ label: "18:00", kwh: "2.50" });
    expect(summary.average).toBe((8.25 / 24).toFixed(2));
  });

  it("rounds a float sum to two decimals instead of showing its noise", () => {
    const summary = summarize(day([0.1, 0.2, ...Array(22).fill(0)]));
    expect(summary.total).toBe("0.30");
  });

  it("takes the first of equal peaks", () => {
    const summary = summarize(day([0, 1, 3, 3, ...Array(20).fill(0)]));
    expect(summary.peak?.label).toBe("02:00");
  });

  it("says a day of zeros has no data, with no peak", () => {
    const summary = summarize(day(Array(24).fill(0)));
    expect(summary.hasData).toBe(false);
    expect(summary.peak).toBeNull();
    expect(summary.total).toBe("0.00");
  });

  it("averages over the 23 hours of a spring-forward day", () => {
    const hours = [0, 1, ...Array.from({ length: 21 }, (_, i) => i + 3)];
    const summary = summarize(day(Array(23).fill(1), hours));
    expect(summary.total).toBe("23.00");
    expect(summary.average).toBe("1.00");
  });
});

describe("chartRows", () => {
  it("labels the hour a fall-back night repeats apart from its first pass", () => {
    const hours = [0, 1, 2, 2, ...Array.from({ length: 21 }, (_, i) => i + 3)];
    const rows = chartRows(day(Array(25).fill(0.5), hours));
    expect(rows).toHaveLength(25);
    expect(rows.slice(2, 4).map((r) => r.label)).toEqual(["02:00", "02:00 (2)"]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(25);
  });

  it("marks the hours over the device's maximum", () => {
    const rows = chartRows(day([1, 2.6, 2.5, ...Array(21).fill(0)]), 2.5);
    expect(rows.filter((r) => r.overMax).map((r) => r.label)).toEqual(["01:00"]);
  });
});
