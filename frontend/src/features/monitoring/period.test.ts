import { describe, expect, it } from "vitest";
import { canStepForward, holdsToday, isPeriod, periodStart, periodTitle, shiftPeriod } from "./period";

describe("periods", () => {
  it("finds the first day of the period holding a date (weeks from Monday)", () => {
    expect(periodStart("2026-11-25", "day")).toBe("2026-11-25");
    expect(periodStart("2026-11-25", "week")).toBe("2026-11-23"); // a Wednesday
    expect(periodStart("2026-11-29", "week")).toBe("2026-11-23"); // Sunday ends the ISO week
    expect(periodStart("2026-11-25", "month")).toBe("2026-11-01");
    expect(periodStart("2026-11-25", "year")).toBe("2026-01-01");
  });

  it("steps by whole periods, a longer period landing on its first day", () => {
    expect(shiftPeriod("2026-03-01", "day", -1)).toBe("2026-02-28");
    expect(shiftPeriod("2026-11-25", "week", -1)).toBe("2026-11-16");
    expect(shiftPeriod("2026-01-31", "month", 1)).toBe("2026-02-01");
    expect(shiftPeriod("2026-03-31", "month", -1)).toBe("2026-02-01");
    expect(shiftPeriod("2024-02-29", "year", -1)).toBe("2023-01-01");
    expect(shiftPeriod("2026-12-28", "week", 1)).toBe("2027-01-04"); // across the year
  });

  it("never steps into the future: the next period must have begun", () => {
    const today = "2026-12-02"; // a Wednesday
    expect(canStepForward("2026-12-02", "day", today)).toBe(false);
    expect(canStepForward("2026-12-01", "day", today)).toBe(true);
    expect(canStepForward("2026-11-30", "week", today)).toBe(false); // this week
    expect(canStepForward("2026-11-29", "week", today)).toBe(true); // last week
    expect(canStepForward("2026-11-15", "month", today)).toBe(true);
    expect(canStepForward("2026-12-01", "month", today)).toBe(false);
    expect(canStepForward("2025-06-01", "year", today)).toBe(true);
    expect(canStepForward("2026-01-01", "year", today)).toBe(false);
    expect(holdsToday("2026-11-30", "week", today)).toBe(true);
    expect(holdsToday("2026-11-29", "week", today)).toBe(false);
  });

  it("knows its names", () => {
    expect(isPeriod("week")).toBe(true);
    expect(isPeriod("fortnight")).toBe(false);
    expect(isPeriod(null)).toBe(false);
  });

  it("titles each period in the browser's locale", () => {
    const day = new Intl.DateTimeFormat(undefined, { dateStyle: "full" }).format(new Date(2026, 10, 30));
    expect(periodTitle("2026-11-30", "day")).toBe(day);
    expect(periodTitle("2026-11-30", "month")).toBe(
      new Intl.DateTimeFormat(undefined, { month: "long", year: "numeric" }).format(new Date(2026, 10, 1)),
    );
    expect(periodTitle("2026-11-30", "year")).toBe("2026");
    expect(periodTitle("2026-11-25", "week")).toMatch(/^Week of .*23.*29.*2026/);
  });
});
