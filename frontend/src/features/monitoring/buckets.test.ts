import { describe, expect, it } from "vitest";
import type { PeriodConsumption } from "./api/types";
import { barLabelsAt, bucketStatus, chartRows, readingsText, summarize } from "./buckets";

function day(date: string, kwh: (hour: number) => number, readings: (hour: number) => [number, number]) {
  const buckets = Array.from({ length: 24 }, (_, h) => ({
    start: `${date}T${String(h).padStart(2, "0")}:00:00+00:00`,
    kwh: kwh(h),
    readings: readings(h)[0],
    expected_readings: readings(h)[1],
    cost: null,
    estimated: false,
  }));
  const total = buckets.reduce((s, b) => s + b.kwh, 0);
  return {
    device_id: "dev-1",
    period: "day",
    start: `${date}T00:00:00+00:00`,
    end: new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString(),
    tz: "UTC",
    bucket: "hour",
    buckets,
    total_kwh: total,
    total_cost: null,
    currency: null,
    partial: false,
    last_reading_at: null,
    previous: { start: "", end: "", total_kwh: 10, total_cost: null },
    last_year: { start: "", end: "", total_kwh: 0, total_cost: null },
    projection: null,
  } satisfies PeriodConsumption;
}

/** A day still running at 10:00: `kwh` in each of its first 10 hours, every reading in; none since. */
function runningDay(date: string, kwh: number) {
  return {
    ...day(
      date,
      (h) => (h < 10 ? kwh : 0),
      (h) => (h < 10 ? [6, 6] : [0, 0]),
    ),
    partial: true,
  };
}

describe("buckets", () => {
  it("tells complete, partial, missing and future buckets apart", () => {
    expect(bucketStatus({ readings: 6, expected_readings: 6 })).toBe("ok");
    expect(bucketStatus({ readings: 3, expected_readings: 6 })).toBe("partial");
    expect(bucketStatus({ readings: 0, expected_readings: 6 })).toBe("missing");
    expect(bucketStatus({ readings: 0, expected_readings: 0 })).toBe("future");
    expect(bucketStatus({ readings: 7, expected_readings: 6 })).toBe("ok");
    expect(bucketStatus({ readings: 0, expected_readings: 6, estimated: true })).toBe("partial");
  });

  it("draws no data as a gap (null), not as 0 kWh, and says how many readings came", () => {
    const data = day(
      "2026-11-30",
      (h) => (h === 3 || h === 4 ? 0 : h === 5 ? 0.2 : 0.5),
      (h) => (h === 3 || h === 4 ? [0, 6] : h === 5 ? [3, 6] : [6, 6]),
    );
    const rows = chartRows(data);
    expect(rows).toHaveLength(24);
    expect(rows[3]).toMatchObject({ kwh: null, status: "missing", readings: 0, expected: 6 });
    expect(rows[4].kwh).toBeNull();
    expect(rows[5]).toMatchObject({ kwh: 0.2, status: "partial" });
    expect(readingsText(rows[5])).toBe("3 of 6 readings");
    expect(readingsText(rows[3])).toBe("no data (0 of 6 readings)");
    expect(readingsText(rows[6])).toBe("");
    expect(summarize(data, rows).gaps).toBe(3);
  });

  it("draws a register gap's estimated energy and says it is estimated", () => {
    const data = day(
      "2026-11-30",
      (h) => (h === 3 ? 0.4 : 0.5),
      (h) => (h === 3 ? [0, 6] : [6, 6]),
    );
    data.buckets[3].estimated = true;
    const rows = chartRows(data);
    expect(rows[3]).toMatchObject({ kwh: 0.4, status: "partial", estimated: true });
    expect(readingsText(rows[3])).toBe("estimated (0 of 6 readings)");
    expect(rows[4].estimated).toBe(false);
  });

  it("labels hours with their range and a consistent HH:mm", () => {
    const rows = chartRows(
      day(
        "2026-11-30",
        () => 0.1,
        () => [6, 6],
      ),
    );
    expect(rows[19].label).toBe("19:00");
    expect(rows[19].range).toBe("19:00–20:00");
    expect(rows.map((r) => r.label).slice(20)).toEqual(["20:00", "21:00", "22:00", "23:00"]);
    expect(rows[23].range).toBe("23:00–00:00");
  });

  it("puts the previous period's bucket at the same place beside each bar", () => {
    const now = day(
      "2026-11-30",
      () => 0.5,
      () => [6, 6],
    );
    const before = day(
      "2026-11-29",
      (h) => h / 10,
      (h) => (h === 2 ? [0, 6] : [6, 6]),
    );
    const rows = chartRows(now, before);
    expect(rows[7].previousKwh).toBeCloseTo(0.7);
    expect(rows[2].previousKwh).toBeNull(); // no data then
    expect(rows[7].previousRange).toBe("07:00–08:00");
  });

  it("marks hours over the device's maximum, and only hours", () => {
    const data = day(
      "2026-11-30",
      (h) => (h === 19 ? 3 : 0.5),
      () => [6, 6],
    );
    expect(
      chartRows(data, null, 2)
        .filter((r) => r.overMax)
        .map((r) => r.label),
    ).toEqual(["19:00"]);
    expect(chartRows({ ...data, bucket: "day", period: "week" }, null, 2).some((r) => r.overMax)).toBe(false);
  });

  it("summarizes with the API's totals, and averages over the buckets with data", () => {
    const data = { ...runningDay("2026-12-01", 0.007), last_reading_at: "2026-12-01T09:50:00+00:00" };
    const summary = summarize(data, chartRows(data));
    expect(summary.totalKwh).toBeCloseTo(0.07);
    expect(summary.averageKwh).toBeCloseTo(0.007); // 10 hours elapsed, not 24
    expect(summary.partial).toBe(true);
    expect(summary.vsPrevious.kwh).toBeCloseTo(0.07 - 10);
    expect(summary.vsLastYear.percent).toBeNull();
    expect(summary.peak?.label).toBe("00:00");
  });

  it("compares a running period with the previous one up to the same point", () => {
    const data = runningDay("2026-12-01", 0.5);
    const before = day(
      "2026-11-30",
      () => 0.4,
      () => [6, 6],
    );
    const summary = summarize(data, chartRows(data, before), true);
    expect(summary.previousSoFar).toBe(true);
    expect(summary.previousKwh).toBeCloseTo(4); // 10 hours of 0.4, not the day's 9.6
    expect(summary.vsPrevious.percent).toBeCloseTo(25);
  });
});

describe("barLabelsAt", () => {
  const data = day(
    "2026-05-04",
    () => 0.5,
    () => [6, 6],
  );
  const rows = chartRows(data);

  it("names the bar holding each instant once, in the period's order", () => {
    const labels = barLabelsAt(data, rows, [
      "2026-05-04T13:40:00+00:00",
      "2026-05-04T10:00:00+00:00", // a bar's first instant is its own
      "2026-05-04T10:59:59+00:00",
      "2026-05-04T23:59:00+00:00",
    ]);
    expect(labels).toEqual([rows[10].label, rows[13].label, rows[23].label]);
  });

  it("marks nothing for an instant before or after the period", () => {
    expect(barLabelsAt(data, rows, ["2026-05-03T23:59:59+00:00", "2026-05-05T00:00:00+00:00"])).toEqual([]);
  });
});
