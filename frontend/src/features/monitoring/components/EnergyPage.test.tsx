import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { SessionUser } from "../../../lib/auth-store";
import { ADMIN, CLIENT, fakeApi, renderRoutes, signInAs } from "../../../test/render";
import { todayIso } from "../../../lib/time";
import { periodTitle } from "../period";
import { EnergyPage } from "./EnergyPage";

// Recharts needs a laid-out page; the test draws one element per bar instead.
vi.mock("./EnergyCharts", () => ({
  default: ({
    rows,
    resetLabels = [],
  }: {
    rows: { key: string; kwh: number | null; overMax: boolean; status: string; previousKwh: number | null }[];
    resetLabels?: string[];
  }) => (
    <div data-testid="energy-bar-chart" data-resets={resetLabels.join("|")}>
      {rows.map((r) => (
        <span key={r.key} data-testid="bar" data-over={r.overMax} data-status={r.status} data-previous={r.previousKwh}>
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

const pad = (n: number) => String(n).padStart(2, "0");

/** The consumption API, made up: 0.5 kWh a bucket (3 at 20:00), 2025-06-02 empty, 04:00 half read. */
function consumption(url: URL) {
  const date = url.searchParams.get("date")!;
  const period = url.searchParams.get("period")!;
  const [y, m, d] = date.split("-").map(Number);
  let starts: string[];
  let bucket: "hour" | "day" | "month";
  if (period === "day") {
    bucket = "hour";
    starts = Array.from({ length: 24 }, (_, h) => `${date}T${pad(h)}:00:00+00:00`);
  } else if (period === "week") {
    bucket = "day";
    const monday = new Date(Date.UTC(y, m - 1, d - ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7)));
    starts = Array.from({ length: 7 }, (_, i) => new Date(monday.getTime() + i * 86_400_000).toISOString());
  } else if (period === "month") {
    bucket = "day";
    const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
    starts = Array.from({ length: days }, (_, i) => `${y}-${pad(m)}-${pad(i + 1)}T00:00:00+00:00`);
  } else {
    bucket = "month";
    starts = Array.from({ length: 12 }, (_, i) => `${y}-${pad(i + 1)}-01T00:00:00+00:00`);
  }
  const empty = date === "2025-06-02";
  const running = date === todayIso();
  const buckets = starts.map((start, i) => ({
    start,
    kwh: empty ? 0 : period === "day" && i === 20 ? 3 : period === "day" && i === 4 ? 0.25 : 0.5,
    readings: empty ? 0 : period === "day" && i === 4 ? 3 : 6,
    expected_readings: 6,
    cost: null,
    estimated: false,
  }));
  const total = buckets.reduce((s, b) => s + b.kwh, 0);
  return {
    device_id: url.searchParams.get("device_id"),
    period,
    start: starts[0],
    end: "2099-01-01T00:00:00+00:00",
    tz: url.searchParams.get("tz"),
    bucket,
    buckets,
    total_kwh: total,
    total_cost: null,
    currency: null,
    partial: running,
    last_reading_at: running ? new Date().toISOString() : null,
    previous: { start: "", end: "", total_kwh: date === "2025-06-03" ? 0 : 10, total_cost: null },
    last_year: { start: "", end: "", total_kwh: 0, total_cost: null },
  };
}

const devicesPage = () => ({ count: 2, next: null, previous: null, results: DEVICES });

function setup(
  url: string,
  handlers: Record<string, (url: URL, init?: RequestInit) => unknown> = {},
  user: SessionUser = CLIENT,
) {
  signInAs(user);
  const api = fakeApi({
    "/api/monitoring/devices/": devicesPage,
    "/api/monitoring/consumption/": consumption,
    ...handlers,
  });
  const view = renderRoutes([{ path: "/energy", element: <EnergyPage /> }], url);
  const calls = () => api.calls.filter((c) => c.pathname === "/api/monitoring/consumption/");
  /** The calls for the shown period (the previous period's are asked for alongside). */
  const currentCalls = (date: string) => calls().filter((c) => c.searchParams.get("date") === date);
  return { ...view, ...api, allCalls: api.calls, calls, currentCalls };
}

describe("EnergyPage", () => {
  it("reads the device, period and day from the URL and sends the browser's time zone", async () => {
    const { calls } = setup("/energy?device=dev-2&period=day&date=2025-06-01");
    expect(await screen.findByTestId("summary-total")).toHaveTextContent("14.25 kWh");
    expect(screen.getByTestId("summary-peak")).toHaveTextContent("20:00–21:00 · 3.00 kWh");
    expect(screen.getByTestId("summary-average")).toHaveTextContent(/^0\.59 kWh$/); // 14.25 / 24
    expect(await screen.findAllByTestId("bar")).toHaveLength(24);
    const asked = calls().map((c) => [c.searchParams.get("period"), c.searchParams.get("date")]);
    expect(asked).toEqual(
      expect.arrayContaining([
        ["day", "2025-06-01"],
        ["day", "2025-05-31"],
      ]),
    );
    const call = calls()[0];
    expect(call.searchParams.get("device_id")).toBe("dev-2");
    expect(call.searchParams.get("tz")).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(screen.getByTestId("device-selector")).toHaveValue("dev-2");
    expect(screen.getByTestId("date-picker")).toHaveValue("2025-06-01");
    expect(screen.getByTestId("period-title")).toHaveTextContent(`Garage · ${periodTitle("2025-06-01", "day")}`);
  });

  it("shows the change against the previous period and a year earlier", async () => {
    setup("/energy?device=dev-1&period=day&date=2025-06-01");
    expect(await screen.findByTestId("change-previous")).toHaveTextContent("+4.25 kWh (+43%)");
    expect(screen.getByTestId("change-previous-total")).toHaveTextContent("then 10.00 kWh");
    expect(screen.getByTestId("change-last-year")).toHaveTextContent("+14.25 kWh");
    // The previous day's hours beside this day's.
    expect(screen.getAllByTestId("bar")[0].dataset.previous).toBe("0.5");
  });

  it("says there is nothing to compare with when the previous period has no reading", async () => {
    setup("/energy?device=dev-1&period=day&date=2025-06-03"); // the day before is the empty one
    expect(await screen.findByTestId("change-previous")).toHaveTextContent("—");
    expect(screen.getByTestId("change-previous-total")).toHaveTextContent("no readings then");
  });

  it("draws a week as 7 bars, a month as its days and a year as 12 months", async () => {
    const { router } = setup("/energy?device=dev-1&period=week&date=2025-06-04");
    await waitFor(() => expect(screen.getAllByTestId("bar")).toHaveLength(7));
    fireEvent.click(screen.getByRole("button", { name: "Month" }));
    await waitFor(() => expect(router.state.location.search).toContain("period=month"));
    await waitFor(() => expect(screen.getAllByTestId("bar")).toHaveLength(30));
    fireEvent.click(screen.getByRole("button", { name: "Year" }));
    await waitFor(() => expect(screen.getAllByTestId("bar")).toHaveLength(12));
    expect(router.state.location.search).toBe("?device=dev-1&period=year&date=2025-06-04");
  });

  it("shows a loading state for the new period, never the old figures under its heading", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { fetchMock } = setup("/energy?device=dev-1&period=day&date=2025-06-01");
    await screen.findByTestId("summary-total");
    const answer = fetchMock.getMockImplementation()!;
    fetchMock.mockImplementation(async (input, init) => {
      if (String(input).includes("period=week")) await gate;
      return answer(input, init);
    });
    fireEvent.click(screen.getByRole("button", { name: "Week" }));
    const weekTitle = periodTitle("2025-06-01", "week").replace(/\s+/g, " ");
    await waitFor(() => expect(screen.getByTestId("period-title")).toHaveTextContent(weekTitle));
    expect(screen.getByRole("status")).toHaveTextContent(`Loading ${weekTitle}…`);
    expect(screen.queryByTestId("summary-total")).not.toBeInTheDocument();
    expect(screen.queryByTestId("bar")).not.toBeInTheDocument();
    release();
    await waitFor(() => expect(screen.getAllByTestId("bar")).toHaveLength(7));
  });

  it("defaults to the first device, a day and today, and does not step past today", async () => {
    const { router, calls } = setup("/energy");
    await waitFor(() => expect(router.state.location.search).toContain("device=dev-1"));
    await waitFor(() => expect(calls().length).toBeGreaterThan(0));
    expect(calls()[0].searchParams.get("date")).toBe(todayIso());
    expect(calls()[0].searchParams.get("period")).toBe("day");
    expect(screen.getByTestId("date-picker")).toHaveValue(todayIso());
    expect(screen.getByRole("button", { name: "Next day" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Today" })).toBeDisabled();
    // A running day: "so far" and the last reading's time.
    expect(await screen.findByText("Total so far")).toBeInTheDocument();
    expect(screen.getByTestId("last-reading")).toHaveTextContent(/^Last reading /);
    expect(screen.getByTestId("period-title")).toHaveTextContent("so far");
  });

  it("puts a new device and the previous or next day into the URL and asks for them", async () => {
    const { router, currentCalls } = setup("/energy?device=dev-1&date=2025-06-01");
    await screen.findByTestId("summary-total");
    fireEvent.change(screen.getByTestId("device-selector"), { target: { value: "dev-2" } });
    await waitFor(() => expect(router.state.location.search).toBe("?device=dev-2&date=2025-06-01"));
    fireEvent.click(screen.getByRole("button", { name: "Previous day" }));
    await waitFor(() => expect(router.state.location.search).toBe("?device=dev-2&date=2025-05-31"));
    await waitFor(() => expect(currentCalls("2025-05-31").length).toBeGreaterThan(0));
    fireEvent.click(screen.getByRole("button", { name: "Next day" }));
    fireEvent.click(screen.getByRole("button", { name: "Next day" }));
    await waitFor(() => expect(router.state.location.search).toBe("?device=dev-2&date=2025-06-02"));
    expect(currentCalls("2025-06-02").at(-1)!.searchParams.get("device_id")).toBe("dev-2");
  });

  it("says so when the URL's date is not a day, and shows today", async () => {
    const { calls } = setup("/energy?device=dev-1&date=2026-13-45");
    expect(await screen.findByTestId("bad-selection")).toHaveTextContent(
      "The address asks for “2026-13-45”, which is not a day up to today: showing today.",
    );
    expect(screen.getByTestId("date-picker")).toHaveValue(todayIso());
    await waitFor(() => expect(calls()[0].searchParams.get("date")).toBe(todayIso()));
  });

  it("says so when the URL's period is unknown, and shows a day", async () => {
    setup("/energy?device=dev-1&period=fortnight&date=2025-06-01");
    expect(await screen.findByTestId("bad-selection")).toHaveTextContent("“fortnight” is not a period");
    expect(await screen.findAllByTestId("bar")).toHaveLength(24);
  });

  it("marks the buckets with missing readings and counts them", async () => {
    setup("/energy?device=dev-1&date=2025-06-01");
    const bars = await screen.findAllByTestId("bar");
    expect(bars[4].dataset.status).toBe("partial");
    expect(screen.getByTestId("gap-note")).toHaveTextContent("1 hour has missing readings");
    const row = within(screen.getByTestId("energy-table")).getAllByRole("row")[5];
    expect(row).toHaveTextContent("04:00–05:00");
    expect(row).toHaveTextContent("3 of 6 readings");
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

  it("keeps the controls when the monitoring service is down, says so, and retries", async () => {
    let down = true;
    const failing =
      (answer: (url: URL) => unknown) =>
      (url: URL): unknown => {
        if (down) throw new TypeError("Failed to fetch");
        return answer(url);
      };
    setup("/energy?device=dev-1&period=week&date=2025-06-01", {
      "/api/monitoring/devices/": failing(devicesPage),
      "/api/monitoring/consumption/": failing(consumption),
    });
    const message = await screen.findByTestId("service-error");
    expect(message).toHaveTextContent("The monitoring service is not answering");
    expect(message).not.toHaveTextContent("Failed to fetch");
    expect(screen.getByRole("button", { name: "Week" })).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByTestId("date-picker")).toHaveValue("2025-06-01");
    down = false;
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(screen.getAllByTestId("bar")).toHaveLength(7));
    expect(screen.queryByTestId("service-error")).not.toBeInTheDocument();
    expect(screen.getByTestId("device-selector")).toHaveValue("dev-1");
  });

  it("names a gateway's 502 as the service not answering, with the device still selectable", async () => {
    setup("/energy?device=dev-1&date=2025-06-01", {
      "/api/monitoring/consumption/": () => new Response("<html>Bad Gateway</html>", { status: 502 }),
    });
    expect(await screen.findByTestId("service-error")).toHaveTextContent(
      "The monitoring service is not answering (the server answered 502)",
    );
    expect(screen.getByTestId("device-selector")).toHaveValue("dev-1");
    expect(screen.getByRole("button", { name: "Retry" })).toBeEnabled();
  });

  it("shows the API's message for a refused request", async () => {
    setup("/energy?device=dev-1&date=2025-06-01", {
      "/api/monitoring/consumption/": () =>
        new Response(
          JSON.stringify({ type: "validation_error", errors: [{ code: "invalid", detail: "bad tz", attr: "tz" }] }),
          { status: 400 },
        ),
    });
    expect(await screen.findByTestId("service-error")).toHaveTextContent("tz: bad tz");
  });

  it("exports the period on screen: a signed link for its days, then the browser's download", async () => {
    const posted: unknown[] = [];
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(`${this.getAttribute("href")} download=${this.hasAttribute("download")}`);
    });
    setup("/energy?device=dev-1&period=month&date=2025-06-12", {
      "/api/monitoring/export/links/": (_url, init) => {
        posted.push(JSON.parse(String(init?.body)));
        return { url: "/api/monitoring/export/?ticket=t", expires_at: "2025-06-12T10:01:00Z" };
      },
    });
    fireEvent.click(await screen.findByTestId("export-button"));
    await waitFor(() => expect(clicked).toEqual(["/api/monitoring/export/?ticket=t download=true"]));
    expect(posted).toEqual([
      {
        device_id: ["dev-1"],
        start: "2025-06-01",
        end: "2025-06-30",
        bucket: "day",
        tz: Intl.DateTimeFormat().resolvedOptions().timeZone,
      },
    ]);
    click.mockRestore();
  });
});

describe("EnergyPage's meter resets", () => {
  const RESETS = "/api/monitoring/devices/dev-1/resets/";
  const resets = () => ({
    device_id: "dev-1",
    resets: [
      { timestamp: "2025-06-01T10:20:00+00:00", before_kwh: 105.3, after_kwh: 2 },
      { timestamp: "2025-06-01T10:05:00+00:00", before_kwh: 3.5, after_kwh: 0 },
      { timestamp: "2025-06-01T04:00:00+00:00", before_kwh: 80, after_kwh: 3.5 },
    ],
  });
  const hour = (iso: string) =>
    new Intl.DateTimeFormat(undefined, {
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    }).format(new Date(iso));

  it("shows an admin the period's resets and marks their bars on the chart", async () => {
    const { allCalls: calls } = setup("/energy?device=dev-1&period=day&date=2025-06-01", { [RESETS]: resets }, ADMIN);
    const items = await screen.findAllByTestId("meter-reset");
    expect(items.map((item) => item.dataset.timestamp)).toEqual(resets().resets.map((r) => r.timestamp));
    expect(items[0]).toHaveTextContent(/register 105\.30 kWh.*2\.00 kWh/);
    // One line per bar with a reset, in the chart's order (the two at 10:xx share a bar).
    expect(screen.getByTestId("energy-bar-chart").dataset.resets).toBe(
      [hour("2025-06-01T04:00:00Z"), hour("2025-06-01T10:00:00Z")].join("|"),
    );
    const asked = calls.filter((c) => c.pathname === RESETS);
    expect(asked.length).toBeGreaterThan(0);
    expect(Object.fromEntries(asked[0].searchParams)).toEqual({
      start: "2025-06-01",
      end: "2025-06-01",
      tz: Intl.DateTimeFormat().resolvedOptions().timeZone,
    });
  });

  it("asks a week's resets for its seven days", async () => {
    const { allCalls: calls } = setup("/energy?device=dev-1&period=week&date=2025-06-04", { [RESETS]: resets }, ADMIN);
    await screen.findAllByTestId("meter-reset");
    const asked = calls.filter((c) => c.pathname === RESETS).at(-1)!;
    expect([asked.searchParams.get("start"), asked.searchParams.get("end")]).toEqual(["2025-06-02", "2025-06-08"]);
  });

  it("never asks a client's resets, nor shows the section", async () => {
    const { allCalls: calls } = setup("/energy?device=dev-1&period=day&date=2025-06-01", { [RESETS]: resets });
    await screen.findAllByTestId("bar");
    expect(calls.some((c) => c.pathname.endsWith("/resets/"))).toBe(false);
    expect(screen.queryByTestId("meter-resets")).not.toBeInTheDocument();
    expect(screen.getByTestId("energy-bar-chart").dataset.resets).toBe("");
  });

  it("says so when an admin's resets cannot be loaded, and keeps the chart", async () => {
    setup(
      "/energy?device=dev-1&period=day&date=2025-06-01",
      { [RESETS]: () => new Response("", { status: 503 }) },
      ADMIN,
    );
    expect(await screen.findByTestId("service-error")).toHaveTextContent("the meter resets cannot be shown");
    expect(screen.getAllByTestId("bar")).toHaveLength(24);
  });
});
