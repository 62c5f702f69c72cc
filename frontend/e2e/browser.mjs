// Browser scenarios for tests/e2e/test_browser.py: Debian's Chromium driven by playwright-core.
//
//   node frontend/e2e/browser.mjs <scenario> '<json arguments>'
//
// Each run starts a fresh browser (new profile folder), plays one scenario against the gateway
// at `baseUrl`, and prints one JSON object on stdout: what it saw, the console errors, and the
// screenshots it saved. Assertions live in the pytest test; a step that cannot happen (an
// element that never shows) fails here with a message and exit code 1. Every page reports what
// its Content-Security-Policy blocked (`cspViolations`): the tests require none.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { chromium } from "playwright-core";

const CHROMIUM = process.env.EMS_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const STEP_MS = 20_000;
const VIEWPORTS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };

async function withBrowser(args, play) {
  const profile = mkdtempSync(join(tmpdir(), "ems-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    timezoneId: args.tz ?? "UTC",
    locale: "en-GB",
    viewport: VIEWPORTS.desktop,
  });
  const consoleErrors = [];
  const cspViolations = [];
  const requests = [];
  // Chromium logs a violation to the console too; the event says which directive and what.
  await context.exposeBinding("__emsCspViolation", (_source, violation) => cspViolations.push(violation));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__emsCspViolation({
        page: location.pathname,
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
        source: `${event.sourceFile}:${event.lineNumber}`,
      });
    });
  });
  context.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  context.on("weberror", (error) => consoleErrors.push(`page error: ${error.error().message}`));
  context.on("request", (request) => requests.push(new URL(request.url()).pathname));
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(STEP_MS);
  try {
    const result = await play(page, requests);
    return { ok: true, ...result, consoleErrors, cspViolations };
  } catch (error) {
    const shot = args.screenshotDir ? join(args.screenshotDir, `failure-${Date.now()}.png`) : null;
    if (shot) await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    return {
      ok: false,
      error: String(error?.stack ?? error),
      url: page.url(),
      screenshot: shot,
      consoleErrors,
      cspViolations,
    };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function signIn(page, baseUrl, username, password) {
  await page.goto(`${baseUrl}/login`);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  return new URL(page.url()).pathname;
}

/** Retry `attempt` until it returns a truthy value or `ms` pass (events take a moment to sync). */
async function eventually(what, ms, attempt) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await attempt();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${what}: not within ${ms} ms (last: ${last})`);
}

// --- scenarios --------------------------------------------------------------------------------

/** The admin creates a client and a device through the pages and assigns one to the other. */
async function adminAssigns(args) {
  return withBrowser(args, async (page) => {
    const landing = await signIn(page, args.baseUrl, args.admin.username, args.admin.password);
    const client = args.client;

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
    await assignDialog.getByLabel("Find user").fill(client.username);
    const userSelect = assignDialog.getByLabel("User", { exact: true });
    const option = userSelect.locator("option", { hasText: client.username });
    await option.waitFor({ state: "attached" });
    await userSelect.selectOption(await option.getAttribute("value"));
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

async function readDashboard(page) {
  const bars = page.locator(".recharts-bar-rectangle");
  const boxes = [];
  for (const bar of await bars.all()) boxes.push(await bar.boundingBox());
  const table = await page
    .getByTestId("energy-table")
    .locator("tbody tr")
    .evaluateAll((rows) =>
      rows.map((row) => ({
        label: row.querySelector("th")?.textContent ?? "",
        kwh: Number(row.querySelector("td")?.getAttribute("data-kwh")),
      })),
    );
  return {
    bars: boxes.length,
    barHeights: boxes.map((box) => box?.height ?? 0),
    table,
    total: await page.getByTestId("summary-total").textContent(),
    peak: await page.getByTestId("summary-peak").textContent(),
    average: await page.getByTestId("summary-average").textContent(),
    deviceSelected: await page.getByTestId("device-selector").inputValue(),
    dateShown: await page.getByTestId("date-picker").inputValue(),
    lineChart: (await page.getByTestId("energy-line-chart").locator(".recharts-line-curve").count()) > 0,
  };
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
    await page.locator(".recharts-bar-rectangle").nth(tallest).hover();
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
          return { url: page.url(), bars: await page.locator(".recharts-bar-rectangle").count() };
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
    const bars = await page.locator(".recharts-bar-rectangle").count();
    const screenshot = join(args.screenshotDir, `dashboard-no-data-${args.date}.png`);
    await page.screenshot({ path: screenshot, fullPage: true });
    let navigated = null;
    if (args.previousDayHasData) {
      await page.getByRole("button", { name: "Previous day" }).click();
      await page.locator(".recharts-bar-rectangle").first().waitFor({ state: "visible" });
      navigated = { url: page.url(), bars: await page.locator(".recharts-bar-rectangle").count() };
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
  return (await badge.count()) ? Number(await badge.textContent()) : 0;
}

/**
 * The client watches a day on /energy; once the alerts socket is up it prints {"ready": true}
 * and the test publishes a reading that takes an hour over the maximum: the toast shows, the
 * hour turns red, the badge counts it, and the alerts page lists it and marks all read.
 */
async function liveAlert(args) {
  return withBrowser(args, async (page) => {
    let hello = false;
    page.on("websocket", (socket) => {
      socket.on("framereceived", (frame) => {
        if (String(frame.payload).includes('"hello"')) hello = true;
      });
    });
    await signIn(page, args.baseUrl, args.username, args.password);
    await page.goto(`${args.baseUrl}/energy?device=${args.deviceId}&date=${args.date}`);
    await page.locator(".recharts-bar-rectangle").first().waitFor({ state: "visible" });
    await eventually("the alerts socket's hello", 15_000, async () => hello);
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
    const redBars = await page.locator('.recharts-bar-rectangle path[fill="#dc2626"]').count();
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
async function screenshotSizes(page, dir, name) {
  const paths = [];
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(300); // the charts redraw for the new width
    const path = join(dir, `${name}-${size}.png`);
    await page.screenshot({ path, fullPage: true });
    paths.push(path);
  }
  await page.setViewportSize(VIEWPORTS.desktop);
  return paths;
}

/**
 * The pages under the gateway's Content-Security-Policy: the policy each document came with,
 * /login and a day on /energy at desktop and phone size, the alerts socket's hello (connect-src),
 * and every service's Swagger UI drawing its operations.
 */
async function pagesUnderCsp(args) {
  return withBrowser(args, async (page) => {
    let hello = false;
    page.on("websocket", (socket) => {
      socket.on("framereceived", (frame) => {
        if (String(frame.payload).includes('"hello"')) hello = true;
      });
    });
    const policies = {};
    const login = await page.goto(`${args.baseUrl}/login`);
    policies["/login"] = login.headers()["content-security-policy"] ?? null;
    await page.locator('input[name="username"]').waitFor();
    const screenshots = await screenshotSizes(page, args.screenshotDir, "csp-login");
    await signIn(page, args.baseUrl, args.username, args.password);
    const energy = await page.goto(`${args.baseUrl}/energy?device=${args.deviceId}&date=${args.date}`);
    policies["/energy"] = energy.headers()["content-security-policy"] ?? null;
    await page.locator(".recharts-bar-rectangle").first().waitFor({ state: "visible" });
    const bars = await page.locator(".recharts-bar-rectangle").count();
    await page
      .locator(".recharts-bar-rectangle")
      .nth(Math.floor(bars / 2))
      .hover(); // the tooltip too
    await eventually("the alerts socket's hello", 15_000, async () => hello);
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
    return { policies, bars, hello, docs, screenshots };
  });
}

const SCENARIOS = {
  "admin-assigns": adminAssigns,
  "client-dashboard": clientDashboard,
  "no-data": noData,
  "admin-refused": adminRefused,
  "live-alert": liveAlert,
  "pages-under-csp": pagesUnderCsp,
};

const [name, raw] = process.argv.slice(2);
const scenario = SCENARIOS[name];
if (!scenario) {
  console.error(`unknown scenario ${name}; one of: ${Object.keys(SCENARIOS).join(", ")}`);
  process.exit(2);
}
const result = await scenario(JSON.parse(raw ?? "{}"));
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(result.ok ? 0 : 1);
