import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { todayIso } from "../../../lib/time";
import { ADMIN, fakeApi, renderRoutes, signInAs } from "../../../test/render";
import type { FleetOverview } from "../api/types";
import { FleetPage } from "./FleetPage";

const LONG_NAME = "Boiler ".repeat(17).trim(); // 118 characters

function overview(date: string): FleetOverview {
  const silent = Array.from({ length: 12 }, (_, i) => ({
    device_id: `s-${i}`,
    name: `Silent ${i}`,
    last_reading_at: i === 0 ? null : "2026-03-02T08:15:00Z",
  }));
  return {
    date,
    tz: "UTC",
    devices: 14,
    total_kwh: 12.5,
    total_cost: "3.10",
    currency: "EUR",
    top: [
      { device_id: "d-1", name: LONG_NAME, kwh: 10, cost: "2.50" },
      { device_id: "d-2", name: "Pump", kwh: 2.5, cost: null },
    ],
    over_max: [{ device_id: "d-1", name: LONG_NAME, hours_over: 3 }],
    silent,
  };
}

function showFleet() {
  signInAs(ADMIN);
  const { calls } = fakeApi({ "/api/monitoring/fleet/": (url) => overview(url.searchParams.get("date") ?? "") });
  const view = renderRoutes([{ path: "/admin/fleet", element: <FleetPage /> }], "/admin/fleet");
  return { ...view, calls };
}

describe("FleetPage", () => {
  it("shows today's totals and how many devices are over their maximum or silent", async () => {
    const { calls } = showFleet();
    expect(await screen.findByTestId("fleet-total")).toHaveTextContent("12.50 kWh");
    expect(screen.getByText("Total today")).toBeInTheDocument();
    expect(screen.getByTestId("fleet-over-max-count")).toHaveTextContent("1");
    expect(screen.getByTestId("fleet-silent-count")).toHaveTextContent("12");
    expect(calls[0].searchParams.get("date")).toBe(todayIso());
  });

  it("links every row to that device's dashboard on that day, a long name cut with the full one in the tooltip", async () => {
    showFleet();
    const top = await screen.findByTestId("fleet-top");
    const link = within(top).getByRole("link", { name: LONG_NAME });
    expect(link).toHaveAttribute("href", `/energy?device=d-1&date=${todayIso()}`);
    expect(link).toHaveAttribute("title", LONG_NAME);
    expect(link).toHaveClass("truncate");
    const overMax = screen.getByTestId("fleet-over-max");
    expect(within(overMax).getByRole("link", { name: LONG_NAME })).toHaveAttribute(
      "href",
      `/energy?device=d-1&date=${todayIso()}`,
    );
    expect(within(overMax).getByRole("row", { name: new RegExp(LONG_NAME) })).toHaveTextContent("3");
    const silent = screen.getByTestId("fleet-silent");
    expect(within(silent).getByRole("link", { name: "Silent 0" })).toHaveAttribute(
      "href",
      `/energy?device=s-0&date=${todayIso()}`,
    );
    expect(within(silent).getByRole("row", { name: /Silent 0/ })).toHaveTextContent("never");
  });

  it("shows the first 10 silent meters, then all of them on request", async () => {
    showFleet();
    const silent = await screen.findByTestId("fleet-silent");
    expect(within(silent).getAllByRole("link")).toHaveLength(10);
    await userEvent.setup().click(screen.getByRole("button", { name: "Show all 12" }));
    expect(within(screen.getByTestId("fleet-silent")).getAllByRole("link")).toHaveLength(12);
  });
});
