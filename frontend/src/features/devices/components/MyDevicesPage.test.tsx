import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { CLIENT, fakeApi, renderRoutes, signInAs } from "../../../test/render";
import { MyDevicesPage } from "./MyDevicesPage";

function device(index: number) {
  return {
    id: `d-${index}`,
    name: `Meter ${index}`,
    description: "",
    address: "",
    max_hourly_consumption_kwh: 2,
    reading_interval_minutes: 10,
    owner_id: CLIENT.id,
    owner_username: CLIENT.username,
    created_at: "",
    updated_at: "",
  };
}

describe("MyDevicesPage", () => {
  it("pages past the first 50 devices, with the count", async () => {
    signInAs(CLIENT);
    const { calls } = fakeApi({
      "/api/devices/": (url) => {
        const page = Number(url.searchParams.get("page") ?? 1);
        const first = (page - 1) * 50;
        const results = Array.from({ length: Math.min(50, 55 - first) }, (_, i) => device(first + i + 1));
        return { count: 55, next: page === 1 ? "more" : null, previous: null, results };
      },
    });
    const { router } = renderRoutes([{ path: "/devices", element: <MyDevicesPage /> }], "/devices");
    expect(await screen.findByText("1–50 of 55")).toBeInTheDocument();
    expect(screen.getAllByRole("heading", { level: 2 })).toHaveLength(50);
    await userEvent.setup().click(screen.getByRole("button", { name: "Next →" }));
    expect(await screen.findByText("51–55 of 55")).toBeInTheDocument();
    await waitFor(() => expect(screen.getAllByRole("heading", { level: 2 })).toHaveLength(5));
    expect(screen.getByRole("heading", { name: "Meter 55" })).toBeInTheDocument();
    expect(calls.at(-1)?.searchParams.get("page")).toBe("2");
    expect(router.state.location.search).toBe("?page=2");
  });

  it("shows no pages for a few devices", async () => {
    signInAs(CLIENT);
    fakeApi({ "/api/devices/": () => ({ count: 1, next: null, previous: null, results: [device(1)] }) });
    renderRoutes([{ path: "/devices", element: <MyDevicesPage /> }], "/devices");
    expect(await screen.findByRole("heading", { name: "Meter 1" })).toBeInTheDocument();
    expect(screen.queryByRole("navigation", { name: "Pages" })).toBeNull();
  });
});
