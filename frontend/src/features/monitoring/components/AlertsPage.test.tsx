import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { CLIENT, fakeApi, renderRoutes, signInAs } from "../../../test/render";
import { AlertsPage } from "./AlertsPage";

const BASE = { device_id: "dev-1", device_name: "Kitchen", kwh: 3, max_kwh: 2, created_at: "2025-06-01T17:00:00Z" };
const UNREAD = { ...BASE, id: "al-1", hour_start: "2025-06-01T16:00:00Z", read_at: null };
const READ = { ...BASE, id: "al-2", hour_start: "2025-05-31T16:00:00Z", read_at: "2025-06-01T18:00:00Z" };

function setup() {
  signInAs(CLIENT);
  const posted: string[] = [];
  const api = fakeApi({
    "/api/monitoring/alerts/": (url) => {
      const results = url.searchParams.get("unread") === "true" ? [UNREAD] : [UNREAD, READ];
      return { count: results.length, next: null, previous: null, results };
    },
    "/api/monitoring/alerts/al-1/read/": (url, init) => {
      posted.push(`${init?.method} ${url.pathname}`);
      return { ...UNREAD, read_at: "2025-06-01T19:00:00Z" };
    },
    "/api/monitoring/alerts/read-all/": (url, init) => {
      posted.push(`${init?.method} ${url.pathname}`);
      return { updated: 1 };
    },
  });
  renderRoutes([{ path: "/alerts", element: <AlertsPage /> }], "/alerts");
  return { ...api, posted };
}

describe("AlertsPage", () => {
  it("lists alerts with a mark-read button on the unread ones", async () => {
    setup();
    const table = await screen.findByTestId("alerts-table");
    expect(table.querySelectorAll("tbody tr")).toHaveLength(2);
    expect(screen.getAllByRole("button", { name: /^Mark read: Kitchen, / })).toHaveLength(1);
  });

  it("marks one alert read", async () => {
    const { posted } = setup();
    fireEvent.click(await screen.findByRole("button", { name: /^Mark read: Kitchen, / }));
    await waitFor(() => expect(posted).toEqual(["POST /api/monitoring/alerts/al-1/read/"]));
  });

  it("marks all read, and filters to the unread ones", async () => {
    const { posted, calls } = setup();
    fireEvent.click(await screen.findByRole("button", { name: "Mark all read" }));
    await waitFor(() => expect(posted).toEqual(["POST /api/monitoring/alerts/read-all/"]));
    fireEvent.click(screen.getByLabelText("Unread only"));
    await waitFor(() => expect(calls.at(-1)?.searchParams.get("unread")).toBe("true"));
  });
});
