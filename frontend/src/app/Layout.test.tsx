import { act, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { Layout } from "./Layout";
import { FakeWebSocket } from "../test/fake-websocket";
import { CLIENT, fakeApi, renderRoutes, signInAs } from "../test/render";

const ALERT = {
  id: "al-1",
  device_id: "dev-1",
  device_name: "Kitchen",
  hour_start: "2025-06-01T16:00:00Z",
  kwh: 3.25,
  max_kwh: 2,
  created_at: "2025-06-01T16:50:00Z",
  read_at: null,
};

describe("live alerts in the layout", () => {
  beforeEach(() => {
    FakeWebSocket.instances = [];
    vi.stubGlobal("WebSocket", FakeWebSocket);
  });

  it("shows a toast and a higher unread badge when an alert arrives", async () => {
    signInAs(CLIENT);
    let unread = 1;
    fakeApi({ "/api/monitoring/alerts/": () => ({ count: unread, next: null, previous: null, results: [] }) });
    renderRoutes([{ path: "/", element: <Layout />, children: [{ index: true, element: <p>home</p> }] }], "/");
    expect(await screen.findByTestId("unread-badge")).toHaveTextContent("1");
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    const socket = FakeWebSocket.last();
    expect(socket.url).toMatch(/\/api\/monitoring\/ws\/\?token=access-token$/);

    unread = 2;
    act(() => {
      socket.open();
      socket.receive({ type: "overconsumption", alert: ALERT });
    });
    const toast = await screen.findByTestId("alert-toast");
    expect(toast).toHaveTextContent("Kitchen used 3.25 kWh");
    expect(toast).toHaveTextContent("over its 2 kWh maximum");
    expect(await screen.findByTestId("unread-badge")).toHaveTextContent("2");
    expect(screen.getByRole("link", { name: "Show the hour" })).toHaveAttribute(
      "href",
      expect.stringContaining("/energy?device=dev-1&date="),
    );
  });

  it("has no badge while nothing is unread", async () => {
    signInAs(CLIENT);
    const { calls } = fakeApi({
      "/api/monitoring/alerts/": () => ({ count: 0, next: null, previous: null, results: [] }),
    });
    renderRoutes([{ path: "/", element: <Layout />, children: [{ index: true, element: <p>home</p> }] }], "/");
    await waitFor(() => expect(calls.some((c) => c.searchParams.get("unread") === "true")).toBe(true));
    expect(screen.queryByTestId("unread-badge")).not.toBeInTheDocument();
  });

  it("marks the badge unavailable, not absent, when the alerts cannot be counted", async () => {
    signInAs(CLIENT);
    fakeApi({ "/api/monitoring/alerts/": () => new Response("Bad Gateway", { status: 502 }) });
    renderRoutes([{ path: "/", element: <Layout />, children: [{ index: true, element: <p>home</p> }] }], "/");
    const badge = await screen.findByTestId("unread-badge-unavailable");
    expect(badge).toHaveAccessibleName("alerts unavailable");
    expect(screen.queryByTestId("unread-badge")).not.toBeInTheDocument();
  });
});
