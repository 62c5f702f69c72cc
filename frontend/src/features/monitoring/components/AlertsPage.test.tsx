import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ADMIN, CLIENT, fakeApi, renderRoutes, signInAs } from "../../../test/render";
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
    expect(await screen.findByText("Marked 1 alert read.")).toBeInTheDocument();
    fireEvent.click(screen.getByLabelText("Unread only"));
    await waitFor(() => expect(calls.at(-1)?.searchParams.get("unread")).toBe("true"));
  });
});

describe("AlertsPage for an admin", () => {
  const OWNED = { ...UNREAD, owner_id: "u-7", owner_username: "carol" };

  function adminSetup(url = "/alerts") {
    signInAs(ADMIN);
    const api = fakeApi({
      "/api/monitoring/alerts/": () => ({ count: 1, next: null, previous: null, results: [OWNED] }),
      "/api/monitoring/devices/": () => ({
        count: 1,
        next: null,
        previous: null,
        results: [{ id: "dev-1", name: "Kitchen", owner_id: "u-7", owner_username: "carol" }],
      }),
      "/api/monitoring/devices/dev-1/": () => ({
        id: "dev-1",
        name: "Kitchen",
        owner_id: "u-7",
        owner_username: "carol",
      }),
    });
    const view = renderRoutes([{ path: "/alerts", element: <AlertsPage /> }], url);
    const lastAlerts = () => api.calls.filter((c) => c.pathname === "/api/monitoring/alerts/").at(-1);
    return { ...api, ...view, lastAlerts, user: userEvent.setup() };
  }

  it("shows each alert's owner", async () => {
    adminSetup();
    const row = (await screen.findByTestId("alerts-table")).querySelector("tbody tr") as HTMLElement;
    expect(within(row).getByText("carol")).toBeInTheDocument();
    expect(screen.getByRole("columnheader", { name: "Owner" })).toBeInTheDocument();
  });

  it("filters by a device chosen in the picker, kept in the address", async () => {
    const { user, lastAlerts, router } = adminSetup();
    await user.type(screen.getByRole("combobox", { name: "Device" }), "kit");
    await user.click(await screen.findByRole("option", { name: /Kitchen/ }));
    await waitFor(() => expect(lastAlerts()?.searchParams.get("device_id")).toBe("dev-1"));
    expect(router.state.location.search).toBe("?device_id=dev-1");
  });

  it("names the device of the address in the picker, and clears it", async () => {
    const { user, lastAlerts } = adminSetup("/alerts?device_id=dev-1");
    await waitFor(() => expect(screen.getByRole("combobox", { name: "Device" })).toHaveValue("Kitchen"));
    expect(lastAlerts()?.searchParams.get("device_id")).toBe("dev-1");
    await user.click(screen.getByRole("button", { name: "All devices" }));
    await waitFor(() => expect(lastAlerts()?.searchParams.get("device_id")).toBeNull());
  });

  it("sorts by kWh from its header", async () => {
    const { user, lastAlerts } = adminSetup();
    await user.click(await screen.findByRole("button", { name: /kWh/ }));
    await waitFor(() => expect(lastAlerts()?.searchParams.get("ordering")).toBe("kwh"));
  });
});

describe("AlertsPage for a client", () => {
  it("has no owner column nor owner filter", async () => {
    setup();
    await screen.findByTestId("alerts-table");
    expect(screen.queryByRole("columnheader", { name: "Owner" })).toBeNull();
    expect(screen.queryByRole("combobox", { name: "Owner" })).toBeNull();
  });
});
