import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { PeriodSummary } from "../buckets";
import { CostCard, ProjectionNote } from "./SummaryCards";

function summary(overrides: Partial<PeriodSummary> = {}): PeriodSummary {
  const none = { kwh: 0, percent: null };
  return {
    hasData: true,
    totalKwh: 12,
    partial: true,
    lastReadingAt: null,
    previousKwh: 10,
    previousSoFar: false,
    previousHasData: true,
    lastYearKwh: 0,
    vsPrevious: none,
    vsLastYear: none,
    peak: null,
    averageKwh: null,
    gaps: 0,
    totalCost: null,
    previousCost: null,
    lastYearCost: null,
    currency: null,
    projection: null,
    ...overrides,
  };
}

describe("CostCard", () => {
  it("says no tariff for a cost that cannot be priced", () => {
    render(<CostCard summary={summary()} period="month" />);
    expect(screen.getByTestId("summary-cost")).toHaveTextContent("no tariff");
    expect(screen.getByTestId("cost-before")).toHaveTextContent("The month before: no tariff");
  });

  it("shows a zero cost as a real 0, and the periods before beside it", () => {
    render(
      <CostCard
        summary={summary({ totalCost: "0", previousCost: "3.125", lastYearCost: null, currency: "EUR" })}
        period="month"
      />,
    );
    expect(screen.getByTestId("summary-cost")).toHaveTextContent("€0.00");
    expect(screen.getByTestId("cost-before")).toHaveTextContent("The month before: €3.12 · a year earlier: no tariff");
  });
});

describe("ProjectionNote", () => {
  const projection = { total_kwh: 310, total_cost: "77.5", basis_hours: 72 };

  it("gives the month's kWh and cost at this pace, and how it is reckoned", () => {
    render(<ProjectionNote summary={summary({ projection, currency: "EUR" })} period="month" />);
    const note = screen.getByTestId("projection");
    expect(note).toHaveTextContent("At this pace, about 310.00 kWh and €77.50 by the end of the month.");
    expect(note.title).toMatch(
      /total so far × the month's length ÷ the time from its start to the last reading \(72 hours\)/,
    );
  });

  it("leaves the cost out without a tariff, and says nothing without a projection", () => {
    const { rerender } = render(
      <ProjectionNote summary={summary({ projection: { ...projection, total_cost: null } })} period="month" />,
    );
    expect(screen.getByTestId("projection")).toHaveTextContent(
      "At this pace, about 310.00 kWh by the end of the month.",
    );
    expect(screen.getByTestId("projection")).not.toHaveTextContent("no tariff");
    rerender(<ProjectionNote summary={summary()} period="month" />);
    expect(screen.queryByTestId("projection")).toBeNull();
  });
});
