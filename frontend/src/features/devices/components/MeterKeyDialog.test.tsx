import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ADMIN, fakeApi, renderRoutes, signInAs } from "../../../test/render";
import { AdminDevicesPage } from "./AdminDevicesPage";
import { mosquittoCommand } from "./MeterKeyDialog";

const ID = "0b6f7c4e-3a51-4f8e-9d2c-7e1a5b3c9d10";
const GARAGE = {
  id: ID,
  name: "Garage",
  description: "",
  address: "",
  max_hourly_consumption_kwh: 2,
  reading_interval_minutes: 10,
  owner_id: null,
  owner_username: null,
  created_at: "",
  updated_at: "",
};

function key(password: string) {
  return {
    username: `meter-${ID}`,
    password,
    amqp: {
      host: "ems.example.org",
      port: 5672,
      vhost: "/",
      exchange: "amq.topic",
      routing_key: `ems.meters.${ID}.readings`,
    },
    mqtt: {
      host: "ems.example.org",
      port: 1883,
      username: `meter-${ID}`,
      topic: `ems/meters/${ID}/readings`,
      topic_prefix: `ems/meters/${ID}`,
      client_id: `meter-${ID}`,
      qos: 1,
    },
  };
}

/** The value shown next to a setting's label. */
function setting(details: HTMLElement, label: string): string | null | undefined {
  const term = within(details).getByText(label, { selector: "dt" });
  return term.nextElementSibling?.querySelector("code")?.textContent;
}

function renderPage(device: object = GARAGE) {
  signInAs(ADMIN);
  const methods: string[] = [];
  const passwords = ["first-secret", "second-secret"];
  fakeApi({
    "/api/devices/": () => ({ count: 1, next: null, previous: null, results: [device] }),
    [`/api/devices/${ID}/credentials/`]: (_url, init) => {
      methods.push(String(init?.method));
      if (init?.method === "DELETE") return new Response(null, { status: 204 });
      return new Response(JSON.stringify(key(passwords.shift() ?? "more")), { status: 201 });
    },
  });
  renderRoutes([{ path: "/", element: <AdminDevicesPage /> }], "/"); // the page has its <Toaster />
  return methods;
}

describe("MeterKeyDialog", () => {
  it("issues a key, shows its password once with the MQTT and AMQP settings, and copies it", async () => {
    const methods = renderPage();
    const user = userEvent.setup();
    const writeText = vi.spyOn(navigator.clipboard, "writeText").mockResolvedValue();
    await user.click(await screen.findByRole("button", { name: "Meter key Garage" }));
    const dialog = screen.getByRole("dialog", { name: "Meter key of Garage" });
    expect(within(dialog).queryByTestId("meter-key")).not.toBeInTheDocument();

    await user.click(within(dialog).getByRole("button", { name: "Issue new key" }));

    const details = await within(dialog).findByTestId("meter-key");
    expect(methods).toEqual(["POST"]);
    expect(details).toHaveTextContent("shown only once");
    expect(setting(details, "Username")).toBe(`meter-${ID}`);
    expect(setting(details, "Password")).toBe("first-secret");
    expect(setting(details, "Topic")).toBe(`ems/meters/${ID}/readings`);
    expect(setting(details, "Port")).toBe("1883");
    expect(setting(details, "QoS")).toBe("1");
    expect(setting(details, "Exchange")).toBe("amq.topic");
    expect(setting(details, "Routing key")).toBe(`ems.meters.${ID}.readings`);
    expect(setting(details, "AMQP port")).toBe("5672");
    await user.click(within(dialog).getByRole("button", { name: "Copy password" }));
    expect(writeText).toHaveBeenCalledWith("first-secret");
    expect(within(dialog).getByRole("button", { name: "Copy password" })).toHaveTextContent("Copied");
  });

  it("shows a Tasmota's settings: MQTT host, port, user, password, topic, full topic, SetOption52 1", async () => {
    renderPage({ ...GARAGE, meter_format: "tasmota", reading_interval_minutes: 15 });
    const user = userEvent.setup();
    const writeText = vi.spyOn(navigator.clipboard, "writeText").mockResolvedValue();
    await user.click(await screen.findByRole("button", { name: "Meter key Garage" }));
    const dialog = screen.getByRole("dialog", { name: "Meter key of Garage" });

    await user.click(within(dialog).getByRole("button", { name: "Issue new key" }));

    const details = await within(dialog).findByTestId("meter-key");
    expect(details).toHaveTextContent("Tasmota: Configuration → Configure MQTT");
    expect(setting(details, "Host")).toBe("ems.example.org");
    expect(setting(details, "Port")).toBe("1883");
    expect(setting(details, "User")).toBe(`meter-${ID}`);
    expect(setting(details, "Password")).toBe("first-secret");
    expect(setting(details, "Client")).toBe(`meter-${ID}`);
    expect(setting(details, "Full Topic")).toBe(`ems/meters/${ID}/%prefix%/`);
    expect(setting(details, "Time with offset")).toBe("SetOption52 1");
    expect(setting(details, "Send every")).toBe("TelePeriod 900");
    expect(details).toHaveTextContent(`ems/meters/${ID}/tele/SENSOR`);
    expect(within(details).queryByText("mosquitto_pub", { exact: false })).not.toBeInTheDocument();
    expect(within(details).queryByText("Routing key")).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Copy full topic" }));
    expect(writeText).toHaveBeenCalledWith(`ems/meters/${ID}/%prefix%/`);
  });

  it("shows a Shelly Gen2's settings: server host:port, user, password, prefix, generic status on", async () => {
    renderPage({ ...GARAGE, meter_format: "shelly" });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Meter key Garage" }));
    const dialog = screen.getByRole("dialog", { name: "Meter key of Garage" });

    await user.click(within(dialog).getByRole("button", { name: "Issue new key" }));

    const details = await within(dialog).findByTestId("meter-key");
    expect(details).toHaveTextContent("Shelly Gen2: Settings → MQTT");
    expect(setting(details, "Server")).toBe("ems.example.org:1883");
    expect(setting(details, "User")).toBe(`meter-${ID}`);
    expect(setting(details, "Password")).toBe("first-secret");
    expect(setting(details, "MQTT prefix")).toBe(`ems/meters/${ID}`);
    expect(setting(details, "Generic status update over MQTT")).toBe("on");
    expect(setting(details, "Client ID")).toBe(`meter-${ID}`);
    expect(details).toHaveTextContent(`ems/meters/${ID}/status/switch:0`);
    expect(within(details).queryByText("Full Topic")).not.toBeInTheDocument();
  });

  it("copies the whole mosquitto_pub command of an EMS JSON meter", async () => {
    renderPage();
    const user = userEvent.setup();
    const writeText = vi.spyOn(navigator.clipboard, "writeText").mockResolvedValue();
    await user.click(await screen.findByRole("button", { name: "Meter key Garage" }));
    const dialog = screen.getByRole("dialog", { name: "Meter key of Garage" });
    await user.click(within(dialog).getByRole("button", { name: "Issue new key" }));
    await within(dialog).findByTestId("meter-key");

    await user.click(within(dialog).getByRole("button", { name: "Copy command" }));

    expect(writeText).toHaveBeenCalledWith(mosquittoCommand(key("first-secret"), ID));
    expect(within(dialog).getByText(/^mosquitto_pub/)).toHaveTextContent(mosquittoCommand(key("first-secret"), ID));
  });

  it("rotates: the new password replaces the old one on screen", async () => {
    const methods = renderPage();
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Meter key Garage" }));
    const dialog = screen.getByRole("dialog", { name: "Meter key of Garage" });
    await user.click(within(dialog).getByRole("button", { name: "Issue new key" }));
    await within(dialog).findByText("first-secret");

    await user.click(within(dialog).getByRole("button", { name: "Rotate key" }));

    await within(dialog).findByText("second-secret");
    expect(within(dialog).queryByText("first-secret")).not.toBeInTheDocument();
    expect(methods).toEqual(["POST", "POST"]);
  });

  it("revokes after asking, closes and says so", async () => {
    const methods = renderPage();
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Meter key Garage" }));
    const dialog = screen.getByRole("dialog", { name: "Meter key of Garage" });

    await user.click(within(dialog).getByRole("button", { name: "Revoke key" }));
    expect(methods).toEqual([]);
    await user.click(within(dialog).getByRole("button", { name: "Yes, revoke" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(methods).toEqual(["DELETE"]);
    expect(screen.getByTestId("toasts")).toHaveTextContent("Revoked the meter key of Garage.");
  });

  it("shows the API's error when the broker is unreachable", async () => {
    signInAs(ADMIN);
    fakeApi({
      "/api/devices/": () => ({ count: 1, next: null, previous: null, results: [GARAGE] }),
      [`/api/devices/${ID}/credentials/`]: () =>
        new Response(
          JSON.stringify({
            type: "server_error",
            errors: [
              {
                code: "broker_unavailable",
                detail: "RabbitMQ's management API is unreachable; try again shortly.",
                attr: null,
              },
            ],
          }),
          { status: 503 },
        ),
    });
    renderRoutes([{ path: "/", element: <AdminDevicesPage /> }], "/");
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Meter key Garage" }));
    const dialog = screen.getByRole("dialog", { name: "Meter key of Garage" });

    await user.click(within(dialog).getByRole("button", { name: "Issue new key" }));

    expect(await within(dialog).findByRole("alert")).toHaveTextContent("management API is unreachable");
    expect(within(dialog).queryByTestId("meter-key")).not.toBeInTheDocument();
  });

  it("builds a mosquitto_pub command with the exact settings", () => {
    expect(mosquittoCommand(key("pw"), ID)).toBe(
      `mosquitto_pub -h ems.example.org -p 1883 -q 1 -u 'meter-${ID}' -P 'pw' ` +
        `-t 'ems/meters/${ID}/readings' ` +
        `-m "{\\"timestamp\\": $(date +%s000), \\"device_id\\": \\"${ID}\\", \\"measurement_value\\": 0.25}"`,
    );
  });
});
