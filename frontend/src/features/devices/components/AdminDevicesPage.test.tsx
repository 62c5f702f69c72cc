import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ADMIN, fakeApi, renderRoutes, signInAs } from "../../../test/render";
import { AdminDevicesPage } from "./AdminDevicesPage";

const OWNER_ID = "c0000000-0000-0000-0000-00000000000c";
const DEVICE = {
  description: "",
  address: "",
  max_hourly_consumption_kwh: 2.5,
  reading_interval_minutes: 15,
  created_at: "",
  updated_at: "",
};
const DEVICES = [
  { ...DEVICE, id: "d-1", name: "Kitchen", owner_id: OWNER_ID, owner_username: "carol" },
  { ...DEVICE, id: "d-2", name: "Garage", owner_id: null, owner_username: null },
];

describe("AdminDevicesPage", () => {
  it("lists the devices with their owner, Unassign for an assigned one and Assign for the rest", async () => {
    signInAs(ADMIN);
    fakeApi({ "/api/devices/": () => ({ count: 2, next: null, previous: null, results: DEVICES }) });
    const { container } = renderRoutes([{ path: "/", element: <AdminDevicesPage /> }], "/");
    const kitchen = await screen.findByText("Kitchen");
    const row = kitchen.closest("tr") as HTMLElement;
    expect(row).toHaveAttribute("data-device-name", "Kitchen");
    expect(within(row).getByTestId("device-owner")).toHaveTextContent("carol");
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

  it("keeps the edit dialog open with a field's error under it, and closes it once saved", async () => {
    signInAs(ADMIN);
    const sent: unknown[] = [];
    let answer = 400;
    fakeApi({
      "/api/devices/": () => ({ count: 2, next: null, previous: null, results: DEVICES }),
      "/api/devices/d-2/": (_url, init) => {
        sent.push(JSON.parse(String(init?.body)));
        const errors = [{ code: "min_value", detail: "Too small.", attr: "max_hourly_consumption_kwh" }];
        return answer === 400
          ? new Response(JSON.stringify({ errors }), { status: 400 })
          : { ...DEVICES[1], max_hourly_consumption_kwh: 3 };
      },
    });
    renderRoutes([{ path: "/", element: <AdminDevicesPage /> }], "/");
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Edit Garage" }));
    const dialog = screen.getByRole("dialog", { name: "Edit Garage" });
    const max = within(dialog).getByLabelText("Max hourly consumption (kWh)");
    await user.clear(max);
    await user.type(max, "3");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(await within(dialog).findByText("Too small.")).toBeInTheDocument();
    expect(max).toHaveAccessibleDescription("Too small.");
    expect(within(dialog).queryByRole("alert")).not.toBeInTheDocument();
    answer = 200;
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(sent.at(-1)).toEqual({
      name: "Garage",
      description: "",
      address: "",
      max_hourly_consumption_kwh: 3,
      reading_interval_minutes: 15,
      meter_format: "ems", // the device had none: the default
    });
  });

  it("sets the meter payload: EMS JSON by default, Tasmota or Shelly Gen2 chosen, the 400 under it", async () => {
    signInAs(ADMIN);
    const sent: unknown[] = [];
    let answer = 200;
    const shelly = { ...DEVICES[1], id: "d-3", name: "Plug", meter_format: "shelly" };
    fakeApi({
      "/api/devices/": () => ({ count: 1, next: null, previous: null, results: [shelly] }),
      "/api/devices/d-3/": (_url, init) => {
        sent.push(JSON.parse(String(init?.body)));
        const errors = [{ code: "invalid_choice", detail: "Not a valid choice.", attr: "meter_format" }];
        return answer === 400 ? new Response(JSON.stringify({ errors }), { status: 400 }) : shelly;
      },
    });
    renderRoutes([{ path: "/", element: <AdminDevicesPage /> }], "/");
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "New device" }));
    const created = screen.getByRole("dialog", { name: "New device" });
    expect(within(created).getByLabelText("Meter payload")).toHaveValue("ems");
    expect(
      within(within(created).getByLabelText("Meter payload"))
        .getAllByRole("option")
        .map((option) => option.textContent),
    ).toEqual(["EMS JSON", "Tasmota", "Shelly Gen2"]);
    await user.click(within(created).getByRole("button", { name: "Cancel" }));

    await user.click(screen.getByRole("button", { name: "Edit Plug" }));
    const dialog = screen.getByRole("dialog", { name: "Edit Plug" });
    const payload = within(dialog).getByLabelText("Meter payload");
    expect(payload).toHaveValue("shelly");
    await user.selectOptions(payload, "Tasmota");
    answer = 400;
    await user.click(within(dialog).getByRole("button", { name: "Save" }));

    expect(await within(dialog).findByText("Not a valid choice.")).toBeInTheDocument();
    expect(payload).toHaveAccessibleDescription("Not a valid choice.");
    expect(sent.at(-1)).toMatchObject({ meter_format: "tasmota" });
  });
});

describe("AdminDevicesPage actions", () => {
  it("unassigns only once the dialog is confirmed, then says so", async () => {
    signInAs(ADMIN);
    const posted: unknown[] = [];
    fakeApi({
      "/api/devices/": () => ({ count: 2, next: null, previous: null, results: DEVICES }),
      "/api/devices/d-1/assign/": (_url, init) => {
        posted.push(JSON.parse(String(init?.body)));
        return { ...DEVICES[0], owner_id: null, owner_username: null };
      },
    });
    renderRoutes([{ path: "/", element: <AdminDevicesPage /> }], "/");
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Unassign Kitchen" }));
    const dialog = screen.getByRole("dialog", { name: "Unassign device" });
    expect(dialog).toHaveTextContent("Unassign Kitchen from carol?");
    expect(posted).toEqual([]);
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(posted).toEqual([]);

    await user.click(screen.getByRole("button", { name: "Unassign Kitchen" }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Unassign" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(posted).toEqual([{ user_id: null }]);
    expect(screen.getByTestId("toasts")).toHaveTextContent("Unassigned Kitchen.");
  });

  it("shows a created device: searched for by its name, marked, and a toast", async () => {
    signInAs(ADMIN);
    const created = { ...DEVICE, id: "d-9", name: "Sauna", owner_id: null, owner_username: null };
    const { calls } = fakeApi({
      "/api/devices/": (url, init) => {
        if (init?.method === "POST") return created;
        const results = url.searchParams.get("search") === "Sauna" ? [created] : DEVICES;
        return { count: results.length, next: null, previous: null, results };
      },
    });
    const { router } = renderRoutes([{ path: "/", element: <AdminDevicesPage /> }], "/?ordering=-owner_username");
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "New device" }));
    const dialog = screen.getByRole("dialog", { name: "New device" });
    await user.type(within(dialog).getByLabelText("Name"), "Sauna");
    await user.click(within(dialog).getByRole("button", { name: "Create device" }));
    const row = await screen.findByText("Sauna", { selector: "tr td *" });
    expect(row.closest("tr")).toHaveClass("highlight");
    expect(screen.getByLabelText("Search")).toHaveValue("Sauna");
    expect(router.state.location.search).toBe("?ordering=-owner_username&search=Sauna");
    expect(calls.at(-1)?.searchParams.get("search")).toBe("Sauna");
    expect(screen.getByTestId("toasts")).toHaveTextContent("Created device Sauna.");
  });

  it("filters to the unassigned devices", async () => {
    signInAs(ADMIN);
    const { calls } = fakeApi({
      "/api/devices/": () => ({ count: 2, next: null, previous: null, results: DEVICES }),
    });
    renderRoutes([{ path: "/", element: <AdminDevicesPage /> }], "/");
    await userEvent.setup().selectOptions(await screen.findByLabelText("Show"), "Unassigned");
    await waitFor(() => expect(calls.at(-1)?.searchParams.get("assigned")).toBe("false"));
  });
});
