// The meter key dialog for tests/e2e/test_meter_keys.py: the admin finds the device on
// /admin/devices, issues its key and reads the password and settings the dialog shows once;
// the test then publishes with exactly those (mosquitto_pub) and sees the reading count.

import { join } from "node:path";
import { overflow, signIn, withBrowser } from "../harness.mjs";

/** The value next to a setting's label in the dialog. */
async function setting(dialog, label) {
  return dialog
    .locator("dt", { hasText: new RegExp(`^${label}$`) })
    .locator("xpath=following-sibling::dd[1]/code")
    .textContent();
}

async function issueMeterKey(args) {
  return withBrowser(args, async (page) => {
    await signIn(page, args.baseUrl, args.username, args.password);
    await page.goto(`${args.baseUrl}/admin/devices`);
    await page.locator("#device-search").fill(args.deviceName);
    const button = page.getByRole("button", { name: `Meter key ${args.deviceName}` });
    await button.click();
    const dialog = page.getByRole("dialog", { name: `Meter key of ${args.deviceName}` });
    await dialog.getByRole("button", { name: "Issue new key" }).click();
    await dialog.getByTestId("meter-key").waitFor();
    const shown = {
      username: await setting(dialog, "Username"),
      password: await setting(dialog, "Password"),
      host: await setting(dialog, "Host"),
      port: await setting(dialog, "Port"),
      mqttUsername: await setting(dialog, "MQTT username"),
      topic: await setting(dialog, "Topic"),
      qos: await setting(dialog, "QoS"),
      command: await dialog.locator(".meter-key-command").textContent(),
    };
    const screenshot = join(args.screenshotDir, "meter-key-dialog.png");
    await page.screenshot({ path: screenshot });
    await page.setViewportSize({ width: 360, height: 800 });
    const narrow = await overflow(page);
    await dialog.getByRole("button", { name: "Done" }).click();
    await dialog.waitFor({ state: "detached" });
    // Open again: the password is gone, only a new key would show one.
    await button.click();
    const again = await page.getByRole("dialog", { name: `Meter key of ${args.deviceName}` });
    const passwordShownAgain = await again.getByText(shown.password).count();
    return { shown, screenshot, narrow, passwordShownAgain };
  });
}

export const scenarios = { "meter-key": issueMeterKey };
