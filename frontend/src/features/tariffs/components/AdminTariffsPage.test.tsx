import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ADMIN, fakeApi, renderRoutes, signInAs } from "../../../test/render";
import { AdminTariffsPage } from "./AdminTariffsPage";

const DEVICES = [
  { id: "d-1", name: "Kitchen", tariff: { id: "t-1", name: "Night saver", currency: "EUR" } },
  { id: "d-2", name: "Garage", tariff: null },
];
const TARIFF = {
  id: "t-1",
  name: "Night saver",
  currency: "EUR",
  device_id: null,
  valid_from: "2026-01-01",
  tz: "Europe/Bucharest",
  rates: [{ days: [0, 1, 2, 3, 4, 5, 6], start: "00:00", end: "24:00", price_per_kwh: "0.25" }],
};

function setup(post: (body: unknown) => Response, { tariffs = [TARIFF] as object[], deviceCount = 2 } = {}) {
  signInAs(ADMIN);
  const posted: unknown[] = [];
  fakeApi({
    "/api/monitoring/devices/": () => ({ count: deviceCount, next: null, previous: null, results: DEVICES }),
    "/api/monitoring/devices/d-2/": () => DEVICES[1],
    "/api/monitoring/tariffs/": (_url, init) => {
      if (init?.method === "POST") {
        const body = JSON.parse(String(init.body));
        posted.push(body);
        return post(body);
      }
      return { count: tariffs.length, next: null, previous: null, results: tariffs };
    },
  });
  renderRoutes([{ path: "/", element: <AdminTariffsPage /> }], "/");
  return { posted };
}

const invalid = (errors: { attr: string; detail: string }[]) =>
  new Response(JSON.stringify({ type: "validation_error", errors: errors.map((e) => ({ code: "invalid", ...e })) }), {
    status: 400,
  });

describe("AdminTariffsPage", () => {
  it("lists the tariffs with Default for no device, and which device uses which", async () => {
    setup(() => new Response("{}", { status: 201 }));
    const table = await screen.findByTestId("tariffs-table");
    const row = within(table).getByText("Night saver").closest("tr") as HTMLElement;
    expect(row).toHaveTextContent("Default");
    expect(row).toHaveTextContent("every day 00:00–24:00 at 0.25/kWh");
    const uses = await screen.findByTestId("device-tariffs");
    expect(within(uses).getByText("Kitchen").closest("tr")).toHaveTextContent("Night saver");
    expect(within(uses).getByText("Garage").closest("tr")).toHaveTextContent("no tariff");
  });

  it("names a tariff's device by its id, and pages the devices past the first 50", async () => {
    const own = { ...TARIFF, id: "t-2", name: "Garage rate", device_id: "d-2" };
    setup(() => new Response("{}", { status: 201 }), { tariffs: [own], deviceCount: 120 });
    const table = await screen.findByTestId("tariffs-table");
    const row = within(table).getByText("Garage rate").closest("tr") as HTMLElement;
    await waitFor(() => expect(row).toHaveTextContent("Garage"));
    const pages = await screen.findByRole("navigation", { name: "Pages of devices" });
    expect(within(pages).getByTestId("page-range")).toHaveTextContent("1–50 of 120");
  });

  it("shows the API's errors at their field: a rate's end at that row, a gap above the rates", async () => {
    const user = userEvent.setup();
    const { posted } = setup(() =>
      invalid([
        { attr: "rates[1].end", detail: "Must be after the start." },
        { attr: "rates", detail: "Tuesday 07:00–07:30 has no rate" },
        { attr: "currency", detail: "Not an ISO 4217 currency." },
      ]),
    );
    await user.click(await screen.findByRole("button", { name: "New tariff" }));
    const dialog = screen.getByRole("dialog");
    await user.type(within(dialog).getByLabelText("Name"), "Peak");
    await user.type(within(dialog).getAllByLabelText("Price per kWh")[0], "0.3");
    await user.click(within(dialog).getByRole("button", { name: "Add rate" }));
    const rows = within(dialog).getAllByTestId("rate-row");
    expect(rows).toHaveLength(2);
    await user.click(within(rows[1]).getByLabelText("Tue"));
    await user.type(within(rows[1]).getByLabelText("From"), "07:00");
    await user.type(within(rows[1]).getByLabelText("To"), "06:00");
    await user.type(within(rows[1]).getByLabelText("Price per kWh"), "0.1");
    await user.click(within(dialog).getByRole("button", { name: "Create tariff" }));

    await waitFor(() =>
      expect(within(rows[1]).getByTestId("rate-error")).toHaveTextContent("Must be after the start."),
    );
    expect(within(rows[1]).getByLabelText("To")).toHaveAttribute("aria-invalid", "true");
    expect(within(rows[0]).queryByTestId("rate-error")).toBeNull();
    expect(within(dialog).getByTestId("rates-error")).toHaveTextContent("Tuesday 07:00–07:30 has no rate");
    expect(within(dialog).getByLabelText("Currency (ISO 4217)")).toHaveAttribute("aria-invalid", "true");
    expect(posted[0]).toMatchObject({
      name: "Peak",
      device_id: null,
      rates: [
        { days: [0, 1, 2, 3, 4, 5, 6], start: "00:00", end: "24:00", price_per_kwh: "0.3" },
        { days: [1], start: "07:00", end: "06:00", price_per_kwh: "0.1" },
      ],
    });
  });

  it("fills one every-day 00:00–24:00 row with the flat shortcut", async () => {
    const user = userEvent.setup();
    setup(() => new Response("{}", { status: 201 }));
    await user.click(await screen.findByRole("button", { name: "New tariff" }));
    const dialog = screen.getByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Add rate" }));
    await user.click(within(dialog).getByRole("button", { name: "Add rate" }));
    await user.click(within(dialog).getByRole("button", { name: "Flat: one price, every day" }));
    const rows = within(dialog).getAllByTestId("rate-row");
    expect(rows).toHaveLength(1);
    expect(within(rows[0]).getByLabelText("Sun")).toBeChecked();
    expect(within(rows[0]).getByLabelText("To")).toHaveValue("24:00");
  });

  /** A new tariff's dialog with its name and one every-day price filled in. */
  async function newTariff(user: ReturnType<typeof userEvent.setup>, name: string) {
    await user.click(await screen.findByRole("button", { name: "New tariff" }));
    const dialog = screen.getByRole("dialog");
    await user.type(within(dialog).getByLabelText("Name"), name);
    await user.type(within(dialog).getAllByLabelText("Price per kWh")[0], "0.2");
    return dialog;
  }

  it("chooses the tariff's device in the searchable picker", async () => {
    const user = userEvent.setup();
    const { posted } = setup(() => new Response("{}", { status: 201 }));
    const dialog = await newTariff(user, "Garage only");
    const box = within(dialog).getByRole("combobox", { name: "Device" });
    expect(box).toHaveAttribute("placeholder", "Default: every device without its own");
    await user.type(box, "Gar");
    await user.click(await screen.findByRole("option", { name: /Garage/ }));
    expect(box).toHaveValue("Garage");
    await user.click(within(dialog).getByRole("button", { name: "Create tariff" }));
    await waitFor(() => expect(posted[0]).toMatchObject({ name: "Garage only", device_id: "d-2" }));
  });

  it("sends no device once the picked one is cleared (the default tariff)", async () => {
    const user = userEvent.setup();
    const { posted } = setup(() => new Response("{}", { status: 201 }));
    const dialog = await newTariff(user, "Everyone");
    await user.type(within(dialog).getByRole("combobox", { name: "Device" }), "Kit");
    await user.click(await screen.findByRole("option", { name: /Kitchen/ }));
    await user.click(within(dialog).getByRole("button", { name: "Make it the default tariff" }));
    await user.click(within(dialog).getByRole("button", { name: "Create tariff" }));
    await waitFor(() => expect(posted[0]).toMatchObject({ name: "Everyone", device_id: null }));
  });
});
