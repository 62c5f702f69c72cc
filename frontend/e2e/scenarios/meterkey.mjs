// The meter key dialog for tests/e2e/test_meter_keys.py: the admin finds the device on
// /admin/devices, issues its key and reads the password and settings the dialog shows once;
// the test then publishes with exactly those (mosquitto_pub) and sees the reading count.

import { join } from "node:path";
import { overflow, signIn, VIEWPORTS, withBrowser } from "../harness.mjs";

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

/** How the dialog's settings lay out: each label beside (or, on a phone, above) its value, the
 * command box's text within it, nothing past the dialog's edge. */
function dialogLayout() {
  const dialog = document.querySelector("dialog[open]");
  const box = dialog.getBoundingClientRect();
  const rows = [...dialog.querySelectorAll(".meter-key-details dt")].map((dt) => {
    const dd = dt.nextElementSibling;
    const [label, value] = [dt.getBoundingClientRect(), dd.getBoundingClientRect()];
    return { label: dt.textContent, labelLeft: label.left, valueLeft: value.left, top: label.top - value.top };
  });
  const command = dialog.querySelector(".meter-key-command");
  const past = [...dialog.querySelectorAll(".meter-key *")].filter(
    (element) => element.getBoundingClientRect().right > box.right + 0.5,
  );
  return {
    valueLefts: [...new Set(rows.map((row) => Math.round(row.valueLeft)))],
    labelLefts: [...new Set(rows.map((row) => Math.round(row.labelLeft)))],
    commandClipped: command ? command.scrollWidth > command.clientWidth : false,
    commandText: command ? command.textContent : null,
    pastTheDialog: past.map((element) => element.outerHTML.slice(0, 120)),
  };
}

/** For each device (its meter payload set), the key dialog at desktop and phone widths. */
async function meterKeyFormats(args) {
  return withBrowser(args, async (page) => {
    await signIn(page, args.baseUrl, args.username, args.password);
    const shots = {};
    for (const { name, format } of args.devices) {
      await page.setViewportSize(VIEWPORTS.desktop);
      await page.goto(`${args.baseUrl}/admin/devices`);
      await page.locator("#device-search").fill(name);
      await page.getByRole("button", { name: `Meter key ${name}` }).click();
      const dialog = page.getByRole("dialog", { name: `Meter key of ${name}` });
      await dialog.getByRole("button", { name: "Issue new key" }).click();
      await dialog.getByTestId("meter-key").waitFor();
      const shown = await dialog.getByTestId("meter-key").getAttribute("data-format");
      const desktop = join(args.screenshotDir, `meter-key-${format}-desktop.png`);
      await page.screenshot({ path: desktop });
      const wide = await page.evaluate(dialogLayout);
      await page.setViewportSize(VIEWPORTS.phone);
      const narrow = await overflow(page);
      const phoneLayout = await page.evaluate(dialogLayout);
      // Tall enough for the whole dialog: the screenshot shows every setting.
      await page.setViewportSize({ width: VIEWPORTS.phone.width, height: 1700 });
      const phone = join(args.screenshotDir, `meter-key-${format}-phone.png`);
      await page.screenshot({ path: phone });
      await dialog.getByRole("button", { name: "Done" }).click();
      await dialog.waitFor({ state: "detached" });
      shots[format] = { shown, desktop, phone, wide, narrow, phoneLayout };
    }
    return { shots };
  });
}

export const scenarios = { "meter-key": issueMeterKey, "meter-key-formats": meterKeyFormats };
