// Scenarios of tests/e2e/test_browser_tables.py: the list pages at a thousand devices (search,
// sort, paging, the address keeping them), the searchable device picker, alerts read per user,
// and the pages' width on a phone.

import { join } from "node:path";
import { eventually, overflow, screenshotSizes, signIn, VIEWPORTS, withBrowser } from "../harness.mjs";

/** Whether an element lies within the viewport's width (nothing cut off left or right). */
async function insideWidth(page, locator) {
  const box = await locator.boundingBox();
  const width = page.viewportSize().width;
  return Boolean(box) && box.x >= 0 && box.x + box.width <= width;
}

async function rowNames(page) {
  return page
    .locator('[data-testid="devices-table"] tbody tr[data-device-name]')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-device-name")));
}

async function rangeText(page) {
  return (await page.getByTestId("page-range").textContent()).trim();
}

/**
 * Signs in and reads the unread badge once the layout's count came (none shown: 0). The count's
 * answer is awaited from before the sign-in, so it is this page's and not an earlier one's.
 */
async function unreadBadgeOnSignIn(page, baseUrl, { username, password }) {
  const counted = page
    .waitForResponse((r) => r.url().includes("/api/monitoring/alerts/") && r.url().includes("unread=true"))
    .then((r) => r.json());
  await signIn(page, baseUrl, username, password);
  const { count } = await counted;
  const badge = page.getByTestId("unread-badge");
  const shown = async () => ((await badge.count()) ? Number(await badge.textContent()) : 0);
  // The badge draws the count a moment after it came.
  await eventually("the badge showing the count", 10_000, async () => (await shown()) === count);
  return shown();
}

async function signOut(page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/login");
}

/**
 * An admin on /admin/devices among a thousand devices: the total, a search finding one of them
 * (kept over a reload), a sort by name, and on a phone the page no wider than the screen, the
 * row's buttons and a dialog's buttons on screen.
 */
async function adminDeviceSearch(args) {
  return withBrowser(args, async (page) => {
    await signIn(page, args.baseUrl, args.admin.username, args.admin.password);
    await page.goto(`${args.baseUrl}/admin/devices`);
    await page.getByTestId("devices-table").waitFor();
    const before = await rangeText(page);

    await page.getByLabel("Search").fill(args.target);
    await eventually("the one device found", 10_000, async () => {
      const names = await rowNames(page);
      return names.length === 1 && names[0] === args.target;
    });
    const found = { names: await rowNames(page), range: await rangeText(page), url: page.url() };
    await page.reload();
    await page.getByTestId("devices-table").waitFor();
    await eventually("the search kept over the reload", 10_000, async () => (await rowNames(page)).length === 1);
    const afterReload = {
      names: await rowNames(page),
      box: await page.getByLabel("Search").inputValue(),
    };

    await page.getByLabel("Search").fill("");
    await eventually("the whole list again", 10_000, async () => (await rangeText(page)) === before);
    const nameHeader = page.getByRole("columnheader", { name: /Name/ });
    const sortBefore = await nameHeader.getAttribute("aria-sort");
    const firstAscending = (await rowNames(page))[0];
    await nameHeader.getByRole("button").click();
    await eventually("sorted by name, descending", 10_000, async () => (await rowNames(page))[0] !== firstAscending);
    const sorted = {
      before: sortBefore,
      after: await nameHeader.getAttribute("aria-sort"),
      url: page.url(),
      first: (await rowNames(page))[0],
      // The long name is on this page now: the table still fits its box (nothing under the
      // sticky row buttons).
      hasLongName: (await rowNames(page)).includes(args.longName),
      tableOverflow: await page.locator(".table-wrap").evaluate((box) => box.scrollWidth - box.clientWidth),
    };
    const screenshots = await screenshotSizes(page, args.screenshotDir, "tables-admin-devices");

    await page.setViewportSize(VIEWPORTS.phone);
    await page.goto(`${args.baseUrl}/admin/devices?search=${encodeURIComponent(args.longName.slice(0, 30))}`);
    await page.locator(`tr[data-device-name="${args.longName}"]`).waitFor();
    const row = page.locator(`tr[data-device-name="${args.longName}"]`);
    const phone = {
      overflow: await overflow(page),
      editInside: await insideWidth(page, row.getByRole("button", { name: /^Edit / })),
      deleteInside: await insideWidth(page, row.getByRole("button", { name: /^Delete / })),
      nameTitle: await row.locator("td .truncate").first().getAttribute("title"),
    };
    await row.getByRole("button", { name: /^Delete / }).click();
    const dialog = page.getByRole("dialog", { name: "Delete device" });
    await dialog.waitFor();
    // Nothing (the long name in the message) sticks out of the dialog's box.
    phone.dialogOverflow = await dialog.evaluate((box) => box.scrollWidth - box.clientWidth);
    phone.dialogButtonsInside = await Promise.all(
      ["Cancel", "Delete"].map((name) => insideWidth(page, dialog.getByRole("button", { name }))),
    );
    const phoneShot = join(args.screenshotDir, "tables-admin-devices-long-name-phone.png");
    await page.screenshot({ path: phoneShot, fullPage: true });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    phone.overflowAfterDialog = await overflow(page);
    return { before, found, afterReload, sorted, phone, screenshots: [...screenshots, phoneShot] };
  });
}

/** A client owning more than 50 devices: the first 50 with the count, then the rest. */
async function myDevicesPaging(args) {
  return withBrowser(args, async (page) => {
    await signIn(page, args.baseUrl, args.username, args.password);
    await page.goto(`${args.baseUrl}/devices`);
    const cards = page.getByTestId("my-devices").locator("li");
    await page.getByTestId("page-range").waitFor();
    const first = { range: await rangeText(page), cards: await cards.count() };
    await page.getByRole("button", { name: "Next →" }).click();
    await eventually("the second page", 10_000, async () => (await rangeText(page)) !== first.range);
    await eventually("its cards", 10_000, async () => (await cards.count()) < first.cards);
    const second = { range: await rangeText(page), cards: await cards.count(), url: page.url() };
    const screenshots = await screenshotSizes(page, args.screenshotDir, "tables-my-devices-page-2");
    await page.setViewportSize(VIEWPORTS.phone);
    const phoneOverflow = await overflow(page);
    return { first, second, phoneOverflow, screenshots };
  });
}

/**
 * The owner's unread count, then an admin marks the owner's alert read on /alerts (filtered by
 * the device), then the owner's unread count again.
 */
async function adminMarksAlertRead(args) {
  return withBrowser(args, async (page) => {
    const ownerBadge = () => unreadBadgeOnSignIn(page, args.baseUrl, args.owner);
    const ownerBefore = await ownerBadge();
    await signOut(page);

    await signIn(page, args.baseUrl, args.admin.username, args.admin.password);
    await page.goto(`${args.baseUrl}/alerts?device_id=${args.deviceId}`);
    const row = page.getByTestId("alerts-table").locator("tbody tr[data-alert-id]").first();
    await row.waitFor();
    const picker = page.getByRole("combobox", { name: "Device" });
    await eventually("the filter's device named in the picker", 10_000, async () => await picker.inputValue());
    const adminRow = {
      unread: await row.evaluate((tr) => tr.classList.contains("unread")),
      owner: await row.locator("td").nth(1).textContent(),
      picker: await picker.inputValue(),
    };
    await row.getByRole("button", { name: /^Mark read: / }).click();
    await eventually("the row read for the admin", 10_000, async () =>
      row.evaluate((tr) => !tr.classList.contains("unread")),
    );
    adminRow.after = await row.locator(".row-actions").textContent();
    const screenshots = await screenshotSizes(page, args.screenshotDir, "tables-admin-alerts");
    await signOut(page);

    const ownerAfter = await ownerBadge();
    await page.goto(`${args.baseUrl}/alerts`);
    const ownRow = page.getByTestId("alerts-table").locator(`tbody tr[data-alert-id]`).first();
    await ownRow.waitFor();
    const ownerRowUnread = await ownRow.evaluate((tr) => tr.classList.contains("unread"));
    return { ownerBefore, adminRow, ownerAfter, ownerRowUnread, screenshots };
  });
}

/** An admin on /energy types part of a device's name into the picker and chooses it. */
async function energyPicker(args) {
  return withBrowser(args, async (page) => {
    await signIn(page, args.baseUrl, args.admin.username, args.admin.password);
    await page.goto(`${args.baseUrl}/energy`);
    const box = page.getByRole("combobox", { name: "Device" });
    await box.waitFor();
    const options = await page.evaluate(() => document.querySelectorAll("#device-selector option").length);
    await box.fill(args.typed);
    const option = page.locator(`[role="option"][data-key="${args.targetId}"]`);
    await option.waitFor();
    const listed = await page.getByRole("option").allTextContents();
    await option.click();
    await page.waitForURL((url) => url.searchParams.get("device") === args.targetId);
    const url = page.url();
    // The title names the device once its details came (looked up by id: past the first page).
    const periodTitle = page.getByTestId("period-title");
    const title = await eventually("the device named in the title", 10_000, async () => {
      const text = await periodTitle.textContent();
      return text.includes(args.target) && text;
    });
    const desktopShot = join(args.screenshotDir, "tables-energy-picker-desktop.png");
    await page.screenshot({ path: desktopShot, fullPage: true });

    await page.setViewportSize(VIEWPORTS.phone);
    await box.fill(args.longName.slice(0, 40));
    // Options are told apart by the device's id: the fleet holds other long names.
    const longOption = page.locator(`[role="option"][data-key="${args.longId}"]`);
    await longOption.waitFor();
    const phoneOverflowOpen = await overflow(page);
    const phoneShot = join(args.screenshotDir, "tables-energy-picker-phone.png");
    await page.screenshot({ path: phoneShot, fullPage: true });
    await longOption.click();
    await page.waitForURL((url) => url.searchParams.get("device") === args.longId);
    // The long-named device's period drawn (it has no readings: the empty card names it).
    await page.getByTestId("no-data").filter({ hasText: args.longName }).waitFor();
    const phoneOverflow = await overflow(page);
    return {
      options,
      listed,
      url,
      longUrl: page.url(),
      title,
      value: await box.inputValue(),
      phoneOverflowOpen,
      phoneOverflow,
      screenshots: [desktopShot, phoneShot],
    };
  });
}

export const scenarios = {
  "tables-admin-device-search": adminDeviceSearch,
  "tables-my-devices-paging": myDevicesPaging,
  "tables-admin-marks-alert-read": adminMarksAlertRead,
  "tables-energy-picker": energyPicker,
};
