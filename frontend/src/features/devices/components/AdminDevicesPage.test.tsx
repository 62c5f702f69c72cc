import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ADMIN, fakeApi, renderRoutes, signInAs } from "../../../test/render";
import { AdminDevicesPage } from "./AdminDevicesPage";

const OWNER_ID = "c0000000-0000-0000-0000-00000000000c";
const DEVICE = { description: "", address: "", max_hourly_consumption_kwh: 2.5, created_at: "", updated_at: "" };
const DEVICES = [
  { ...DEVICE, id: "d-1", name: "Kitchen", owner_id: OWNER_ID },
  { ...DEVICE, id: "d-2", name: "Garage", owner_id: null },
];

describe("AdminDevicesPage", () => {
  it("lists the devices with their owner, Unassign for an assigned one and Assign for the rest", async () => {
    signInAs(ADMIN);
    fakeApi({
      "/api/devices/": () => ({ count: 2, next: null, previous: null, results: DEVICES }),
      [`/api/users/${OWNER_ID}/`]: () => ({ id: OWNER_ID, username: "carol", role: "client", full_name: "" }),
    });
    const { container } = renderRoutes([{ path: "/", element: <AdminDevicesPage /> }], "/");
    const kitchen = await screen.findByText("Kitchen");
    const row = kitchen.closest("tr") as HTMLElement;
    expect(row).toHaveAttribute("data-device-name", "Kitchen");
    expect(await within(row).findByText("carol")).toBeInTheDocument();
    expect(within(row).getByRole("button", { name: "Unassign Kitchen" })).toBeInTheDocument();
    const garage = container.querySelector('tr[data-device-name="Garage"]') as HTMLElement;
    expect(within(garage).getByTestId("device-owner")).toHaveTextContent("unassigned");
    expect(within(garage).getByRole("button", { name: "Assign Garage" })).toBeInTheDocument();
    expect(within(garage).getByText("2.5")).toHaveClass("num");
  });

  it("opens the new device dialog and says so when there is no device yet", async () => {
    signInAs(ADMIN);
    fakeApi({ "/api/devices/": () => ({ count: 0, next: null, previous: null, results: [] }) });
    renderRoutes([{ path: "/", element: <AdminDevicesPage /> }], "/");
    expect(await screen.findByTestId("devices-table")).toHaveTextContent("No devices yet.");
    await userEvent.setup().click(screen.getByRole("button", { name: "New device" }));
    const dialog = screen.getByRole("dialog", { name: "New device" });
    expect(within(dialog).getByRole("button", { name: "Create device" })).toBeInTheDocument();
  });
});
