// Browser scenarios for tests/e2e/test_browser.py: Debian's Chromium driven by playwright-core.
//
//   node frontend/e2e/browser.mjs <scenario> '<json arguments>'
//
// Each run starts a fresh browser (new profile folder), plays one scenario against the gateway
// at `baseUrl`, and prints one JSON object on stdout: what it saw, the console errors, and the
// screenshots it saved. Assertions live in the pytest test; a step that cannot happen (an
// element that never shows) fails here with a message and exit code 1. Every page reports what
// its Content-Security-Policy blocked (`cspViolations`): the tests require none.
//
// The scenarios here are the dashboard's and the first admin pages'; every `scenarios/*.mjs`
// file exports more (`export const scenarios = { name: play }`), found when this runs.

import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { eventually, screenshotSizes, signIn, withBrowser } from "./harness.mjs";

// --- scenarios --------------------------------------------------------------------------------

/** The admin creates a client and a device through the pages and assigns one to the other. */
async function adminAssigns(args) {
  return withBrowser(args, async (page) => {
    const landing = await signIn(page, args.baseUrl, args.admin.username, args.admin.password);
    const client = args.client;
    await page.getByRole("link", { name: "Users" }).click();
    // As a user does: the list is on screen before New user is pressed.
    await page.getByTestId("users-table").waitFor();

    await page.getByRole("button", { name: "New user" }).click();
    const userDialog = page.getByRole("dialog", { name: "New user" });
    await userDialog.getByLabel("Username").fill(client.username);
    await userDialog.getByLabel("Password").fill(client.password);
    await userDialog.getByLabel("Full name").fill(client.full_name);
    await userDialog.getByLabel("E-mail").fill(client.email);
    await userDialog.getByLabel("Role").selectOption("client");
    await userDialog.getByRole("button", { name: "Create user" }).click();
    await userDialog.waitFor({ state: "detached" });
    // The list is user_service's copy, filled by the user.created event.
    const userRow = page.locator(`[data-testid="users-table"] tr[data-username="${client.username}"]`);
    await eventually("the new user in the users table", 20_000, async () => {
      if (await userRow.count()) return true;
      await page.reload();
      await page.getByTestId("users-table").waitFor();
      return (await userRow.count()) > 0;
    });
    const screenshots = await screenshotSizes(page, args.screenshotDir, "admin-users");

    await page.getByRole("link", { name: "Devices" }).click();
    await page.getByTestId("devices-table").waitFor();
    await page.getByRole("button", { name: "New device" }).click();
    const deviceDialog = page.getByRole("dialog", { name: "New device" });
    await deviceDialog.getByLabel("Name").fill(args.device.name);
    await deviceDialog.getByLabel("Description").fill(args.device.description);
    await deviceDialog.getByLabel("Address").fill(args.device.address);
    await deviceDialog.getByLabel("Max hourly consumption (kWh)").fill(String(args.device.max));
    await deviceDialog.getByRole("button", { name: "Create device" }).click();
    await deviceDialog.waitFor({ state: "detached" });
    const deviceRow = page.locator(`[data-testid="devices-table"] tr[data-device-name="${args.device.name}"]`);
    await deviceRow.waitFor();

    await page.getByRole("button", { name: `Assign ${args.device.name}` }).click();
    const assignDialog = page.getByRole("dialog", { name: `Assign ${args.device.name}` });
    await assignDialog.getByRole("combobox", { name: "User" }).fill(client.username);
    await assignDialog.getByRole("option", { name: new RegExp(`^${client.username}`) }).click();
    // device_service accepts the owner once the user.created event reached it too.
    await eventually("the assignment", 20_000, async () => {
      if (!(await assignDialog.count())) return true;
      await assignDialog.getByRole("button", { name: "Assign" }).click();
      await page.waitForTimeout(500);
      return (await assignDialog.count()) === 0;
    });
    const owner = deviceRow.getByTestId("device-owner");
    await eventually("the owner's name in the devices table", 10_000, async () =>
      (await owner.textContent())?.includes(client.username),
    );
    const screenshot = join(args.screenshotDir, "admin-devices.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    screenshots.push(screenshot, ...(await screenshotSizes(page, args.screenshotDir, "admin-devices")));
    return { landing, owner: await owner.textContent(), screenshots };
  });
}

const CURRENT_BARS = ".bars-current .recharts-bar-rectangle";
const PREVIOUS_BARS = ".bars-previous .recharts-bar-rectangle";

/** The bucket table's rows: label, kWh (null: no data), readings of expected, status. */
async function readTable(page) {
  return page
    .getByTestId("energy-table")
    .locator("tbody tr")
    .evaluateAll((rows) =>
      rows.map((row) => {
        const kwh = row.querySelector("td")?.getAttribute("data-kwh");
        const readings = row.querySelector("td[data-readings]");
        return {
          label: row.querySelector("th")?.textContent ?? "",
          kwh: kwh === "" || kwh === null || kwh === undefined ? null : Number(kwh),
          readings: Number(readings?.getAttribute("data-readings")),
          expected: Number(readings?.getAttribute("data-expected")),
          readingsText: readings?.textContent ?? "",
          status: row.getAttribute("data-status"),
        };
      }),
    );
}

async function readDashboard(page) {
  const bars = page.locator(CURRENT_BARS);
  const boxes = [];
  for (const bar of await bars.all()) boxes.push(await bar.boundingBox());
  return {
    bars: boxes.length,
    barHeights: boxes.map((box) => box?.height ?? 0),
    previousBars: await page.locator(PREVIOUS_BARS).count(),
    table: await readTable(page),
    title: await page.getByTestId("period-title").textContent(),
    total: await page.getByTestId("summary-total").textContent(),
    peak: await page.getByTestId("summary-peak").textContent(),
    average: await page.getByTestId("summary-average").textContent(),
    changePrevious: await page.getByTestId("change-previous").textContent(),
    previousTotal: await page.getByTestId("change-previous-total").textContent(),
    changeLastYear: await page.getByTestId("change-last-year").textContent(),
    lastYearTotal: await page.getByTestId("change-last-year-total").textContent(),
    deviceSelected: await page.getByTestId("device-selector").inputValue(),
    dateShown: await page.getByTestId("date-picker").inputValue(),
    lineChart: (await page.locator(".recharts-line-curve").count()) > 0,
  };
}

/** Until the period's figures (not a loading state, not the last period's) are on the page. */
async function periodShown(page, period) {
  await page.locator(`[data-period="${period}"][aria-busy="false"]`).waitFor();
  await page.locator('[data-testid="energy-table"], [data-testid="no-data"]').first().waitFor({ state: "attached" });
  // A table means some bucket has readings, so some bar; the chart is a lazy chunk drawn after it.
  if (await page.getByTestId("energy-table").count()) {
    await page.locator(CURRENT_BARS).first().waitFor({ state: "attached" });
  }
}

/** Bars drawn for the first time after a full page load of /energy (session restore included). */
async function timeBars(page, url, runs) {
  // In the page: when the summary cards, the chart frame and the first bar appear.
  await page.addInitScript(() => {
    const marks = {};
    window.__emsMarks = marks;
    const watch = {
      summary: '[data-testid="summary-total"]',
      chart: '[data-testid="energy-bar-chart"]',
      bar: ".recharts-bar-rectangle",
    };
    new MutationObserver(() => {
      for (const [name, selector] of Object.entries(watch)) {
        if (!(name in marks) && document.querySelector(selector)) marks[name] = Math.round(performance.now());
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const timings = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await page.goto(url);
    await page.locator(".recharts-bar-rectangle").first().waitFor({ state: "visible" });
    timings.push(Math.round(performance.now() - started));
  }
  // Where the last load's time went: each request's start and end (ms since navigation start).
  const waterfall = await page.evaluate(() =>
    performance.getEntriesByType("resource").map((entry) => ({
      name: new URL(entry.name).pathname,
      start: Math.round(entry.startTime),
      end: Math.round(entry.responseEnd),
    })),
  );
  const marks = await page.evaluate(() => window.__emsMarks);
  waterfall.push(...Object.entries(marks).map(([name, at]) => ({ name: `(${name} in the page)`, start: at, end: at })));
  return { timings, waterfall };
}

/** The client signs in, opens a day on the dashboard, and reads what it shows. */
async function clientDashboard(args) {
  return withBrowser(args, async (page) => {
    const landing = await signIn(page, args.baseUrl, args.username, args.password);
    const url = `${args.baseUrl}/energy?device=${args.deviceId}&date=${args.date}`;
    await page.goto(url);
    await page.locator(".recharts-bar-rectangle").first().waitFor({ state: "visible" });
    const seen = await readDashboard(page);
    // The peak bar's tooltip, as a person hovering it sees it.
    const tallest = seen.barHeights.indexOf(Math.max(...seen.barHeights));
    await page.locator(CURRENT_BARS).nth(tallest).hover();
    const tooltip = page.getByTestId("energy-bar-chart").locator(".recharts-tooltip-wrapper");
    await eventually("the tooltip", 5_000, async () => (await tooltip.textContent())?.includes("kWh"));
    const tooltipText = await tooltip.textContent();
    const screenshot = join(args.screenshotDir, `dashboard-${args.date}.png`);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: screenshot, fullPage: true });
    const afterReload = args.reload
      ? await (async () => {
          await page.reload();
          await page.locator(".recharts-bar-rectangle").first().waitFor({ state: "visible" });
          return { url: page.url(), bars: await page.locator(CURRENT_BARS).count() };
        })()
      : null;
    const { timings, waterfall } = args.timingRuns
      ? await timeBars(page, url, args.timingRuns)
      : { timings: [], waterfall: [] };
    return { landing, ...seen, tooltip: tooltipText, afterReload, timings, waterfall, screenshots: [screenshot] };
  });
}

/** A day without readings: the no-data message and no bars; then the next-day button. */
async function noData(args) {
  return withBrowser(args, async (page) => {
    await signIn(page, args.baseUrl, args.username, args.password);
    await page.goto(`${args.baseUrl}/energy?device=${args.deviceId}&date=${args.date}`);
    const message = await page.getByTestId("no-data").textContent();
    const bars = await page.locator(CURRENT_BARS).count();
    const screenshot = join(args.screenshotDir, `dashboard-no-data-${args.date}.png`);
    await page.screenshot({ path: screenshot, fullPage: true });
    let navigated = null;
    if (args.previousDayHasData) {
      await page.getByRole("button", { name: "Previous day" }).click();
      await page.locator(".recharts-bar-rectangle").first().waitFor({ state: "visible" });
      navigated = { url: page.url(), bars: await page.locator(CURRENT_BARS).count() };
    }
    return { message, bars, navigated, screenshots: [screenshot] };
  });
}

/** A signed-out visitor is sent to /login; a client typing /admin/users gets no admin data. */
async function adminRefused(args) {
  return withBrowser(args, async (page, requests) => {
    await page.goto(`${args.baseUrl}/admin/users`);
    await page.waitForURL((url) => url.pathname === "/login");
    const signedOutUrl = new URL(page.url()).pathname;
    await page.locator('input[name="username"]').fill(args.username);
    await page.locator('input[name="password"]').fill(args.password);
    await page.locator('button[type="submit"]').click();
    // Back to where the visitor was going, which a client may not see.
    await page.getByTestId("not-allowed").waitFor();
    const afterSignIn = new URL(page.url()).pathname;
    await page.goto(`${args.baseUrl}/admin/users`);
    const notAllowed = await page.getByTestId("not-allowed").textContent();
    await page.goto(`${args.baseUrl}/admin/devices`);
    await page.getByTestId("not-allowed").waitFor();
    const tables = await page.locator('[data-testid="users-table"], [data-testid="devices-table"]').count();
    const adminCalls = requests.filter((path) => path.startsWith("/api/users/") || path.startsWith("/api/auth/users/"));
    return { signedOutUrl, afterSignIn, notAllowed, tables, adminCalls };
  });
}

/** Rows of the hour table marked over the maximum (their labels). */
async function overMaxHours(page) {
  return page.getByTestId("energy-table").locator("tbody tr.over-max th").allTextContents();
}

async function unreadBadge(page) {
  const badge = page.getByTestId("unread-badge");
  // A badge gone between count() and textContent() is 0, not a wait for a badge to come back.
  return (await badge.count()) ? Number((await badge.textContent({ timeout: 1000 }).catch(() => "0")) ?? 0) : 0;
}

/** Watches the page's websockets for the alerts socket's hello: whether it has come yet. */
function watchHello(page) {
  let hello = false;
  page.on("websocket", (socket) => {
    socket.on("framereceived", (frame) => {
      if (String(frame.payload).includes('"hello"')) hello = true;
    });
  });
  return () => hello;
}

/**
 * The client watches a day on /energy; once the alerts socket is up it prints {"ready": true}
 * and the test publishes a reading that takes an hour over the maximum: the toast shows, the
 * hour turns red, the badge counts it, and the alerts page lists it and marks all read.
 */
async function liveAlert(args) {
  return withBrowser(args, async (page) => {
    const helloSeen = watchHello(page);
    await signIn(page, args.baseUrl, args.username, args.password);
    await page.goto(`${args.baseUrl}/energy?device=${args.deviceId}&date=${args.date}`);
    await page.locator(".recharts-bar-rectangle").first().waitFor({ state: "visible" });
    await eventually("the alerts socket's hello", 15_000, async () => helloSeen());
    const before = { overMax: await overMaxHours(page), badge: await unreadBadge(page) };
    process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

    const toast = page.getByTestId("alert-toast").first();
    await toast.waitFor({ timeout: 30_000 });
    const toastText = await toast.textContent();
    await eventually(
      "the hour highlighted",
      15_000,
      async () => (await overMaxHours(page)).length > before.overMax.length,
    );
    const overMax = await overMaxHours(page);
    const redBars = await page.locator('.recharts-bar-rectangle path[fill="var(--chart-over)"]').count();
    const referenceLines = await page.getByTestId("energy-bar-chart").locator(".recharts-reference-line").count();
    await eventually("the badge counting it", 10_000, async () => (await unreadBadge(page)) > before.badge);
    const badge = await unreadBadge(page);
    const screenshot = join(args.screenshotDir, `dashboard-alert-${args.date}.png`);
    await page.screenshot({ path: screenshot, fullPage: true });

    await page.getByRole("link", { name: /^Alerts/ }).click();
    const row = page.getByTestId("alerts-table").locator("tbody tr", { hasText: args.deviceName }).first();
    await row.waitFor();
    const listed = await page.getByTestId("alerts-table").locator("tbody tr.unread").count();
    await page.getByRole("button", { name: "Mark all read" }).click();
    await eventually("the badge cleared", 10_000, async () => (await unreadBadge(page)) === 0);
    const unreadAfter = await page.getByTestId("alerts-table").locator("tbody tr.unread").count();
    return {
      before,
      toast: toastText,
      overMax,
      redBars,
      referenceLines,
      badge,
      listed,
      unreadAfter,
      screenshots: [screenshot],
    };
  });
}

/** Full-page screenshots of the current page at each viewport size; back to desktop after. */

/**
 * The pages under the gateway's Content-Security-Policy: the policy each document came with,
 * /login and a day on /energy at desktop and phone size, the alerts socket's hello (connect-src),
 * and every service's Swagger UI drawing its operations.
 */
async function pagesUnderCsp(args) {
  return withBrowser(args, async (page) => {
    const helloSeen = watchHello(page);
    const policies = {};
    const login = await page.goto(`${args.baseUrl}/login`);
    policies["/login"] = login.headers()["content-security-policy"] ?? null;
    await page.locator('input[name="username"]').waitFor();
    const screenshots = await screenshotSizes(page, args.screenshotDir, "csp-login");
    await signIn(page, args.baseUrl, args.username, args.password);
    const energy = await page.goto(`${args.baseUrl}/energy?device=${args.deviceId}&date=${args.date}`);
    policies["/energy"] = energy.headers()["content-security-policy"] ?? null;
    await page.locator(".recharts-bar-rectangle").first().waitFor({ state: "visible" });
    const bars = await page.locator(CURRENT_BARS).count();
    await page
      .locator(CURRENT_BARS)
      .nth(Math.floor(bars / 2))
      .hover(); // the tooltip too
    await eventually("the alerts socket's hello", 15_000, async () => helloSeen());
    await page.mouse.move(0, 0);
    screenshots.push(...(await screenshotSizes(page, args.screenshotDir, "csp-energy")));
    const docs = {};
    for (const service of args.services) {
      const response = await page.goto(`${args.baseUrl}/api/${service}/docs/`);
      const operation = page.locator(".swagger-ui .opblock");
      await operation.first().waitFor();
      await operation.first().locator(".opblock-summary").click(); // expanded: its parameters and responses
      await page.locator(".swagger-ui .opblock-body").first().waitFor();
      docs[service] = {
        policy: response.headers()["content-security-policy"] ?? null,
        operations: await operation.count(),
      };
    }
    const docsShot = join(args.screenshotDir, "csp-docs.png");
    await page.screenshot({ path: docsShot, fullPage: false });
    screenshots.push(docsShot);
    return { policies, bars, hello: helloSeen(), docs, screenshots };
  });
}

/**
 * Day → Week → Month → Year with the switch: the URL after each, and what each period shows
 * (bars, table, totals, the change against the previous period and a year earlier); then Today,
 * whose Next button is disabled.
 */
async function periodSwitch(args) {
  return withBrowser(args, async (page) => {
    await signIn(page, args.baseUrl, args.username, args.password);
    await page.goto(`${args.baseUrl}/energy?device=${args.deviceId}&date=${args.date}`);
    await periodShown(page, "day");
    const periods = { day: { url: page.url(), ...(await readDashboard(page)) } };
    const screenshots = await screenshotSizes(page, args.screenshotDir, "energy-day");
    for (const period of ["week", "month", "year"]) {
      await page.getByTestId(`period-${period}`).click();
      await page.waitForURL((url) => url.searchParams.get("period") === period);
      await periodShown(page, period);
      periods[period] = { url: page.url(), ...(await readDashboard(page)) };
      screenshots.push(...(await screenshotSizes(page, args.screenshotDir, `energy-${period}`)));
    }
    await page.getByTestId("previous-period").click();
    await page.waitForURL((url) => url.searchParams.get("date") !== args.date);
    const previousYearUrl = page.url();
    await page.getByTestId("today").click();
    await page.waitForURL((url) => url.searchParams.get("date") === args.today);
    const todayUrl = page.url();
    const nextDisabledOnToday = await page.getByTestId("next-period").isDisabled();
    await page.getByTestId("period-day").click();
    await page.waitForURL((url) => url.searchParams.get("period") === "day");
    const nextDayDisabled = await page.getByTestId("next-period").isDisabled();
    return { periods, previousYearUrl, todayUrl, nextDisabledOnToday, nextDayDisabled, screenshots };
  });
}

/** The tooltip's text after hovering the middle of `box`. */
async function tooltipAt(page, box) {
  await page.mouse.move(box.x + box.width / 2, box.y + box.height - 4);
  const tooltip = page.getByTestId("chart-tooltip");
  await tooltip.waitFor();
  return tooltip.textContent();
}

/** A day with two hours of no readings and one half-read hour: what the chart and table show. */
async function gaps(args) {
  return withBrowser(args, async (page) => {
    await signIn(page, args.baseUrl, args.username, args.password);
    await page.goto(`${args.baseUrl}/energy?device=${args.deviceId}&date=${args.date}`);
    await periodShown(page, "day");
    await page.locator(CURRENT_BARS).first().waitFor({ state: "visible" });
    const seen = await readDashboard(page);
    const gapAreas = page.locator(".gap-area");
    const partialBars = page.locator('.bars-current path[data-status="partial"]');
    const missingTooltips = [];
    for (const area of await gapAreas.all()) missingTooltips.push(await tooltipAt(page, await area.boundingBox()));
    const partialTooltips = [];
    for (const bar of await partialBars.all()) partialTooltips.push(await tooltipAt(page, await bar.boundingBox()));
    const screenshot = join(args.screenshotDir, `energy-gaps-${args.date}.png`);
    await page.screenshot({ path: screenshot, fullPage: true });
    await page.mouse.move(0, 0);
    const gapNote = await page.getByTestId("gap-note").textContent();
    return {
      ...seen,
      gapAreas: await gapAreas.count(),
      partialBars: await partialBars.count(),
      missingTooltips,
      partialTooltips,
      gapNote,
      screenshots: [screenshot, ...(await screenshotSizes(page, args.screenshotDir, "energy-gaps"))],
    };
  });
}

/**
 * Typing a day into the native date field, key by key (the field shows mm/dd/yyyy under en-US):
 * the URL keeps the old day until Enter; then another typed day commits when the field is left.
 */
async function typeDate(args) {
  return withBrowser(args, async (page) => {
    await signIn(page, args.baseUrl, args.username, args.password);
    await page.goto(`${args.baseUrl}/energy?device=${args.deviceId}&date=${args.date}`);
    await periodShown(page, "day");
    const field = page.getByTestId("date-picker");
    const dateInUrl = () => new URL(page.url()).searchParams.get("date");
    const whileTyping = [];
    await field.focus();
    for (const key of args.typeThenEnter) {
      await page.keyboard.press(key);
      await page.waitForTimeout(60);
      whileTyping.push(dateInUrl());
    }
    const fieldBeforeEnter = await field.inputValue();
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.searchParams.get("date") !== args.date);
    await periodShown(page, "day");
    const afterEnter = {
      url: page.url(),
      field: await field.inputValue(),
      bars: await page.locator(CURRENT_BARS).count(),
    };

    const whileTypingAgain = [];
    await field.blur(); // Enter left the caret in the year: from outside, focus lands on the first part
    await field.focus();
    for (const key of args.typeThenLeave) {
      await page.keyboard.press(key);
      await page.waitForTimeout(60);
      whileTypingAgain.push(dateInUrl());
    }
    // Leave the field with the mouse (Tab would first reach the field's own calendar button).
    await page.getByRole("heading", { name: "Energy", exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get("date") !== afterEnter.url.match(/date=([\d-]+)/)[1]);
    await periodShown(page, "day");
    const afterLeave = { url: page.url(), field: await field.inputValue() };
    const screenshot = join(args.screenshotDir, "energy-typed-date.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    return { whileTyping, fieldBeforeEnter, afterEnter, whileTypingAgain, afterLeave, screenshots: [screenshot] };
  });
}

/**
 * The monitoring API blocked (every request aborted, as when the service is down): the page keeps
 * its controls, says what failed and offers Retry; the alert badge shows it cannot count. Once
 * unblocked, Retry brings the figures.
 */
async function serviceDown(args) {
  return withBrowser(args, async (page) => {
    await signIn(page, args.baseUrl, args.username, args.password);
    const block = (route) => route.abort("connectionrefused");
    await page.route("**/api/monitoring/**", block);
    await page.goto(`${args.baseUrl}/energy?device=${args.deviceId}&period=${args.period}&date=${args.date}`);
    const message = page.getByTestId("service-error");
    await message.waitFor();
    await page.getByTestId("unread-badge-unavailable").waitFor({ timeout: 15_000 });
    const down = {
      message: await message.textContent(),
      retryButtons: await page.getByRole("button", { name: "Retry" }).count(),
      periodPressed: await page.getByTestId(`period-${args.period}`).getAttribute("aria-pressed"),
      dateShown: await page.getByTestId("date-picker").inputValue(),
      badge: await page.getByTestId("unread-badge-unavailable").getAttribute("aria-label"),
      bars: await page.locator(CURRENT_BARS).count(),
    };
    const screenshots = await screenshotSizes(page, args.screenshotDir, "energy-service-down");
    await page.unroute("**/api/monitoring/**", block);
    await page.getByRole("button", { name: "Retry" }).click();
    await periodShown(page, args.period);
    await page.locator(CURRENT_BARS).first().waitFor({ state: "visible" });
    const back = {
      messages: await message.count(),
      bars: await page.locator(CURRENT_BARS).count(),
      table: await readTable(page),
      total: await page.getByTestId("summary-total").textContent(),
    };
    return { down, back, screenshots };
  });
}

/**
 * The charts' code chunk cannot be fetched (as after a redeploy removed it): the app's error
 * page, not React Router's developer page, offers Reload; once the chunk is back, Reload works.
 */
async function chunkError(args) {
  return withBrowser(args, async (page) => {
    await signIn(page, args.baseUrl, args.username, args.password);
    const chunk = /\/assets\/EnergyCharts-[^/]*\.js$/;
    const block = (route) => route.abort("failed");
    await page.route(chunk, block);
    await page.goto(`${args.baseUrl}/energy?device=${args.deviceId}&date=${args.date}`);
    const errorPage = page.getByTestId("app-error");
    await errorPage.waitFor();
    const shown = {
      heading: await errorPage.locator("h1").textContent(),
      text: await errorPage.textContent(),
      developerPage: (await page.getByText("Hey developer").count()) > 0,
      nav: await page.getByRole("navigation", { name: "Main" }).count(),
    };
    const screenshots = await screenshotSizes(page, args.screenshotDir, "app-error-chunk");
    await page.unroute(chunk, block);
    await page.getByRole("button", { name: "Reload" }).click();
    await page.locator(CURRENT_BARS).first().waitFor({ state: "visible" });
    return {
      shown,
      afterReload: {
        url: page.url(),
        bars: await page.locator(CURRENT_BARS).count(),
        errorPages: await errorPage.count(),
      },
      screenshots,
    };
  });
}

/**
 * A month with a tariff on /energy: the cost card, the projection (and its tooltip), the table's
 * cost column; then Export, whose download (the browser's own) is read back as text.
 */
async function costAndExport(args) {
  return withBrowser(args, async (page) => {
    await signIn(page, args.baseUrl, args.username, args.password);
    await page.goto(`${args.baseUrl}/energy?device=${args.deviceId}&period=month&date=${args.date}`);
    await periodShown(page, "month");
    const projection = page.getByTestId("projection");
    const seen = {
      cost: await page.getByTestId("summary-cost").textContent(),
      costBefore: await page.getByTestId("cost-before").textContent(),
      projection: (await projection.count()) ? await projection.textContent() : null,
      projectionTitle: (await projection.count()) ? await projection.getAttribute("title") : null,
      tableCosts: await page
        .getByTestId("energy-table")
        .locator('td[data-testid="bucket-cost"]')
        .evaluateAll((cells) => cells.map((cell) => cell.textContent)),
    };
    const screenshots = await screenshotSizes(page, args.screenshotDir, "energy-month-cost");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-button").click()]);
    const file = join(args.screenshotDir, `export-${Date.now()}.csv`);
    await download.saveAs(file);
    const csv = readFileSync(file, "utf-8");
    rmSync(file, { force: true });
    return { ...seen, filename: download.suggestedFilename(), csv, screenshots };
  });
}

/**
 * The admin creates a tariff on /admin/tariffs: a rate that stops at 12:00 first (the API's gap
 * error shows above the rates), then the rate fixed to 24:00: the tariff is listed. Then the fleet page.
 */
async function adminTariff(args) {
  return withBrowser(args, async (page) => {
    await signIn(page, args.baseUrl, args.admin.username, args.admin.password);
    await page.getByRole("link", { name: "Tariffs" }).click();
    await page.getByTestId("tariffs-table").waitFor();
    await page.getByRole("button", { name: "New tariff" }).click();
    const dialog = page.getByRole("dialog", { name: "New tariff" });
    await dialog.getByLabel("Name").fill(args.tariff.name);
    // The searchable picker: the device's name typed, its option (by id) chosen.
    await dialog.getByRole("combobox", { name: "Device" }).fill(args.deviceName);
    await dialog.locator(`[role="option"][data-key="${args.deviceId}"]`).click();
    await dialog.getByLabel("Valid from").fill(args.tariff.validFrom);
    const row = dialog.getByTestId("rate-row").first();
    await row.getByLabel("To").fill("12:00");
    await row.getByLabel("Price per kWh").fill(args.tariff.price);
    await dialog.getByRole("button", { name: "Create tariff" }).click();
    const gap = dialog.getByTestId("rates-error");
    await gap.waitFor();
    const gapError = await gap.textContent();
    const screenshots = await screenshotSizes(page, args.screenshotDir, "admin-tariffs-gap");
    await row.getByLabel("To").fill("24:00");
    await dialog.getByRole("button", { name: "Create tariff" }).click();
    await dialog.waitFor({ state: "detached" });
    const listed = page.locator(`[data-testid="tariffs-table"] tr[data-tariff-name="${args.tariff.name}"]`);
    await listed.waitFor();
    const listedText = await listed.textContent();
    const uses = await page.getByTestId("device-tariffs").textContent();
    screenshots.push(...(await screenshotSizes(page, args.screenshotDir, "admin-tariffs")));
    await page.getByRole("link", { name: "Fleet" }).click();
    await page.locator('[data-testid="fleet"][aria-busy="false"]').waitFor();
    const fleet = {
      total: await page.getByTestId("fleet-total").textContent(),
      cost: await page.getByTestId("fleet-cost").textContent(),
    };
    screenshots.push(...(await screenshotSizes(page, args.screenshotDir, "admin-fleet")));
    return { gapError, listedText, uses, fleet, screenshots };
  });
}

const SCENARIOS = {
  "cost-and-export": costAndExport,
  "admin-tariff": adminTariff,
  "period-switch": periodSwitch,
  gaps,
  "type-date": typeDate,
  "service-down": serviceDown,
  "chunk-error": chunkError,
  "admin-assigns": adminAssigns,
  "client-dashboard": clientDashboard,
  "no-data": noData,
  "admin-refused": adminRefused,
  "live-alert": liveAlert,
  "pages-under-csp": pagesUnderCsp,
};

const SCENARIO_DIR = new URL("./scenarios/", import.meta.url);
const scenarioFiles = existsSync(SCENARIO_DIR) ? readdirSync(SCENARIO_DIR).filter((f) => f.endsWith(".mjs")) : [];
for (const file of scenarioFiles.sort()) {
  const module = await import(new URL(file, SCENARIO_DIR).href);
  for (const [key, play] of Object.entries(module.scenarios)) {
    if (key in SCENARIOS) throw new Error(`scenario ${key} is defined twice (${file})`);
    SCENARIOS[key] = play;
  }
}

const [name, raw] = process.argv.slice(2);
const scenario = SCENARIOS[name];
if (!scenario) {
  console.error(`unknown scenario ${name}; one of: ${Object.keys(SCENARIOS).join(", ")}`);
  process.exit(2);
}
const result = await scenario(JSON.parse(raw ?? "{}"));
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(result.ok ? 0 : 1);
