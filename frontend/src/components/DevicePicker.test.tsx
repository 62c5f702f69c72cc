import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { ADMIN, fakeApi, renderRoutes, signInAs } from "../test/render";
import type { MonitoredDevice } from "../api/monitoring/types";
import { DevicePicker } from "./DevicePicker";

const LONG = `Heat pump ${"very long name ".repeat(8)}`.trim();
const DEVICE = {
  description: "",
  address: "",
  max_hourly_consumption_kwh: 2,
  reading_interval_minutes: 10,
  tariff: null,
};
const DEVICES = [
  { ...DEVICE, id: "d-1", name: "Kitchen", owner_id: "u-1", owner_username: "carol" },
  { ...DEVICE, id: "d-2", name: LONG, owner_id: null, owner_username: null },
];

function Chooser() {
  const [chosen, setChosen] = useState<MonitoredDevice | null>(null);
  return (
    <>
      <DevicePicker id="picker" value={chosen?.id ?? null} onChange={setChosen} clearLabel="All devices" />
      <output data-testid="chosen">{chosen?.id ?? "none"}</output>
    </>
  );
}

function setup() {
  signInAs(ADMIN);
  const api = fakeApi({
    "/api/monitoring/devices/": (url) => {
      const search = (url.searchParams.get("search") ?? "").toLowerCase();
      const results = DEVICES.filter((d) => `${d.name} ${d.owner_username ?? ""}`.toLowerCase().includes(search));
      return { count: results.length + (search ? 0 : 962), next: null, previous: null, results };
    },
  });
  renderRoutes([{ path: "/", element: <Chooser /> }], "/");
  return { ...api, user: userEvent.setup() };
}

describe("DevicePicker", () => {
  it("asks the API for the typed text and shows each match with its owner", async () => {
    const { user, calls } = setup();
    const box = screen.getByRole("combobox", { name: "Device" });
    await user.type(box, "carol");
    await waitFor(() => expect(calls.at(-1)?.searchParams.get("search")).toBe("carol"));
    const options = await screen.findAllByRole("option");
    await waitFor(() => expect(screen.getAllByRole("option")).toHaveLength(1));
    expect(options[0]).toHaveTextContent("Kitchen");
    expect(within(screen.getByRole("option")).getByText("carol")).toBeInTheDocument();
    // Not one request a key: the typing paused once.
    expect(calls.filter((c) => c.searchParams.get("search") === "c")).toHaveLength(0);
  });

  it("offers only the typed text's matches, never the previous list's while they load", async () => {
    const { user } = setup();
    const box = screen.getByRole("combobox", { name: "Device" });
    await user.click(box);
    await waitFor(() => expect(screen.getAllByRole("option")).toHaveLength(2));
    await user.type(box, "heat");
    // Until "heat" answers, the unfiltered list (Kitchen first) is gone: a click there would
    // pick by a position of a list about to change.
    expect(screen.queryByRole("option", { name: /Kitchen/ })).not.toBeInTheDocument();
    expect(screen.getByText("Searching…")).toBeInTheDocument();
    await waitFor(() => expect(screen.getAllByRole("option")).toHaveLength(1));
    await user.click(screen.getByRole("option"));
    expect(screen.getByTestId("chosen")).toHaveTextContent("d-2");
  });

  it("says how many more match than are listed", async () => {
    const { user } = setup();
    await user.click(screen.getByRole("combobox", { name: "Device" }));
    expect(await screen.findByText("962 more: type more to narrow.")).toBeInTheDocument();
  });

  it("cuts a long name, whole in the tooltip, and chooses with the keyboard", async () => {
    const { user } = setup();
    const box = screen.getByRole("combobox", { name: "Device" });
    await user.type(box, "heat");
    await waitFor(() => expect(screen.getAllByRole("option")).toHaveLength(1));
    const option = screen.getByRole("option");
    expect(option).toHaveAttribute("title", `${LONG} — unassigned`);
    expect(within(option).getByText(LONG)).toHaveClass("truncate");
    await user.keyboard("{ArrowDown}{Enter}");
    expect(screen.getByTestId("chosen")).toHaveTextContent("d-2");
    expect(box).toHaveValue(LONG);
    await user.click(screen.getByRole("button", { name: "All devices" }));
    expect(screen.getByTestId("chosen")).toHaveTextContent("none");
    expect(box).toHaveValue("");
  });

  it("says so when nothing matches", async () => {
    const { user } = setup();
    await user.type(screen.getByRole("combobox", { name: "Device" }), "zzz");
    expect(await screen.findByText("No match.")).toBeInTheDocument();
    expect(screen.queryAllByRole("option")).toHaveLength(0);
  });
});
