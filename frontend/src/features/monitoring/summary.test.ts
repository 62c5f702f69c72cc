import { describe, expect, it } from "vitest";
import type { DailyConsumption } from "./api/types";
import { chartRows, summarize } from "./summary";

interface Served {
  total: number;
  peak: { hour: number; kwh: number } | null;
  average: number;
}

/** A day as the API serves it: the hours, and its own total, peak and average. */
function day(kwh: number[], served: Served, hours?: number[]): DailyConsumption {
  const hourList = hours ?? kwh.map((_, i) => i);
  return {
    device_id: "d1",
    date: "2025-06-01",
    tz: "UTC",
    hours: kwh.map((value, i) => ({
      start: `2025-06-01T${String(hourList[i]).padStart(2, "0")}:00:00+00:00`,
      hour: hourList[i],
      kwh: value,
    })),
    total_kwh: served.total,
    peak: served.peak,
    average_kwh: served.average,
  };
}

describe("summarize", () => {
  it("shows the served total, peak hour and average per hour with two decimals", () => {
    const values = Array.from({ length: 24 }, (_, h) => (h === 18 ? 2.5 : 0.25));
    const summary = summarize(day(values, { total: 8.25, peak: { hour: 18, kwh: 2.5 }, average: 0.34375 }));
    expect(summary.hasData).toBe(true);
    expect(summary.total).toBe("8.25");
    expect(summary.peak).toEqual({ label: "18:00", kwh: "2.50" });
    expect(summary.average).toBe("0.34");
  });

  it("rounds a served float to two decimals instead of showing its noise", () => {
    const values = [0.1, 0.2, ...Array(22).fill(0)];
    const summary = summarize(day(values, { total: 0.1 + 0.2, peak: { hour: 1, kwh: 0.2 }, average: 0.0125 }));
    expect(summary.total).toBe("0.30");
  });

  it("labels the peak as its bar: the first of equal hours, the second pass of a fall-back hour", () => {
    const equal = summarize(
      day([0, 1, 3, 3, ...Array(20).fill(0)], { total: 7, peak: { hour: 2, kwh: 3 }, average: 7 / 24 }),
    );
    expect(equal.peak?.label).toBe("02:00");
    const hours = [0, 1, 2, 2, ...Array.from({ length: 21 }, (_, i) => i + 3)];
    const values = [0, 0, 1, 2, ...Array(21).fill(0)];
    const fallBack = summarize(day(values, { total: 3, peak: { hour: 2, kwh: 2 }, average: 3 / 25 }, hours));
    expect(fallBack.peak).toEqual({ label: "02:00 (2)", kwh: "2.00" });
  });

  it("says a day the API gives no peak (all zeros) has no data", () => {
    const summary = summarize(day(Array(24).fill(0), { total: 0, peak: null, average: 0 }));
    expect(summary.hasData).toBe(false);
    expect(summary.peak).toBeNull();
    expect(summary.total).toBe("0.00");
  });

  it("shows the served average of a 23-hour spring-forward day", () => {
    const hours = [0, 1, ...Array.from({ length: 21 }, (_, i) => i + 3)];
    const summary = summarize(day(Array(23).fill(1), { total: 23, peak: { hour: 0, kwh: 1 }, average: 1 }, hours));
    expect(summary.total).toBe("23.00");
    expect(summary.average).toBe("1.00");
  });
});

describe("chartRows", () => {
  const none = { total: 0, peak: null, average: 0 };

  it("labels the hour a fall-back night repeats apart from its first pass", () => {
    const hours = [0, 1, 2, 2, ...Array.from({ length: 21 }, (_, i) => i + 3)];
    const rows = chartRows(day(Array(25).fill(0.5), none, hours));
    expect(rows).toHaveLength(25);
    expect(rows.slice(2, 4).map((r) => r.label)).toEqual(["02:00", "02:00 (2)"]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(25);
  });

  it("marks the hours over the device's maximum", () => {
    const rows = chartRows(day([1, 2.6, 2.5, ...Array(21).fill(0)], none), 2.5);
    expect(rows.filter((r) => r.overMax).map((r) => r.label)).toEqual(["01:00"]);
  });
});
