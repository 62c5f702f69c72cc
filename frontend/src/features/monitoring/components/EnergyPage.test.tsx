import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { CLIENT, fakeApi, renderRoutes, signInAs } from "../../../test/render";
import { todayIso } from "../../../lib/time";
import { EnergyPage } from "./EnergyPage";

// Recharts needs a laid-out page; the test draws one element per bar instead.
vi.mock("./EnergyCharts", () => ({
  default: ({ rows }: { rows: { key: string; kwh: number; overMax: boolean }[] }) => (
    <div data-testid="energy-bar-chart">
      {rows.map((r) => (
        <span key={r.key} data-testid="bar" data-over={r.overMax}>
          {r.kwh}
        </span>
      ))}
    </div>
  ),
}));

const DEVICES = [
  { id: "dev-1", name: "Kitchen", description: "", address: "", max_hourly_consumption_kwh: 2, owner_id: CLIENT.id },
  { id: "dev-2", name: "Garage", description: "", address: "", max_hourly_consumption_kwh: 5, owner_id: CLIENT.id },
];

function daily(url: URL) {
  const date = url.searchParams.get("date");
  const empty = date === "2025-06-02";
  const hours = Array.from({ length: 24 }, (_, h) => ({
    start: `${date}T${String(h).padStart(2, "0")}:00:00+00:00`,
    hour: h,
    kwh: empty ? 0 : h === 20 ? 3 : 0.5,
  }));
  const total = hours.reduce((s, h) => s + h.kwh, 0);
  return {
    device_id: url.searchParams.get("device_id"),
    date,
    tz: url.searchParams.get("tz"),
    hours,
    total_kwh: total,
    peak: empty ? null : { hour: 20, kwh: 3 },
    average_kwh: total / 24,
  };
}

function setup(url: string) {
  signInAs(CLIENT);
  const api = fakeApi({
    "/api/monitoring/devices/": () => ({ count: 2, next: null, previous: null, results: DEVICES }),
    "/api/monitoring/hourly/daily/": daily,
  });
  const view = renderRoutes([{ path: "/energy", element: <EnergyPage /> }], url);
  const dailyCalls = () => api.calls.filter((c) => c.pathname === "/api/monitoring/hourly/daily/");
  return { ...view, ...api, dailyCalls };
}

describe("EnergyPage", () => {
  it("reads the device and day from the URL and sends the browser's time zone", async () => {
    const { dailyCalls } = setup("/energy?device=dev-2&date=2025-06-01");
    expect(await screen.findByTestId("summary-total")).toHaveTextContent("14.50 kWh");
    expect(screen.getByTestId("summary-peak")).toHaveTextContent("20:00 · 3.00 kWh");
    expect(screen.getByTestId("summary-average")).toHaveTextContent("0.60 kWh"); // 14.5 / 24
    expect(await screen.findAllByTestId("bar")).toHaveLength(24);
    const call = dailyCalls().at(-1)!;
    expect(call.searchParams.get("device_id")).toBe("dev-2");
    expect(call.searchParams.get("date")).toBe("2025-06-01");
    expect(call.searchParams.get("tz")).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(screen.getByTestId("device-selector")).toHaveValue("dev-2");
    expect(screen.getByTestId("date-picker")).toHaveValue("2025-06-01");
  });

  it("defaults to the first device and today, written into the URL", async () => {
    const { router, dailyCalls } = setup("/energy");
    await waitFor(() => expect(router.state.location.search).toContain("device=dev-1"));
    await waitFor(() => expect(dailyCalls().length).toBeGreaterThan(0));
    expect(dailyCalls().at(-1)!.searchParams.get("date")).toBe(todayIso());
    expect(screen.getByTestId("date-picker")).toHaveValue(todayIso());
  });

  it("puts a new device and the next or previous day into the URL and asks for them", async () => {
    const { router, dailyCalls } = setup("/energy?device=dev-1&date=2025-06-01");
    await screen.findByTestId("summary-total");
    fireEvent.change(screen.getByTestId("device-selector"), { target: { value: "dev-2" } });
    await waitFor(() => expect(router.state.location.search).toBe("?device=dev-2&date=2025-06-01"));
    fireEvent.click(screen.getByRole("button", { name: "Previous day" }));
    await waitFor(() => expect(router.state.location.search).toBe("?device=dev-2&date=2025-05-31"));
    await waitFor(() => expect(dailyCalls().at(-1)!.searchParams.get("date")).toBe("2025-05-31"));
    fireEvent.click(screen.getByRole("button", { name: "Next day" }));
    fireEvent.click(screen.getByRole("button", { name: "Next day" }));
    await waitFor(() => expect(router.state.location.search).toBe("?device=dev-2&date=2025-06-02"));
    expect(dailyCalls().at(-1)!.searchParams.get("device_id")).toBe("dev-2");
  });

  it("shows the no-data message, and no cards or chart, for a day without readings", async () => {
    setup("/energy?device=dev-1&date=2025-06-02");
    expect(await screen.findByTestId("no-data")).toHaveTextContent("No readings for Kitchen");
    expect(screen.queryByTestId("summary-total")).not.toBeInTheDocument();
    expect(screen.queryByTestId("energy-bar-chart")).not.toBeInTheDocument();
  });

  it("highlights the hours over the device's maximum", async () => {
    setup("/energy?device=dev-1&date=2025-06-01");
    await screen.findAllByTestId("bar");
    const over = screen.getAllByTestId("bar").filter((b) => b.dataset.over === "true");
    expect(over).toHaveLength(1);
  });

  it("shows an error when the API fails", async () => {
    signInAs(CLIENT);
    fakeApi({
      "/api/monitoring/devices/": () => ({ count: 1, next: null, previous: null, results: DEVICES }),
      "/api/monitoring/hourly/daily/": () =>
        new Response(
          JSON.stringify({ type: "validation_error", errors: [{ code: "invalid", detail: "bad tz", attr: "tz" }] }),
          { status: 400 },
        ),
    });
    renderRoutes([{ path: "/energy", element: <EnergyPage /> }], "/energy?device=dev-1&date=2025-06-01");
    expect(await screen.findByRole("alert")).toHaveTextContent("tz: bad tz");
  });
});
