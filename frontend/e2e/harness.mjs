// The browser harness every scenario file shares: Debian's Chromium driven by playwright-core.
// `withBrowser` starts a fresh browser (new profile folder), runs one scenario and returns its
// report: what it saw, the console errors, what the page's Content-Security-Policy blocked.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const CHROMIUM = process.env.EMS_CHROMIUM ?? "/usr/bin/chromium";
// The page's locale (navigator.language, Intl's default) and the browser's language. Headless
// Chromium draws the native date field as mm/dd/yyyy whatever it is told, so the page is given
// the same (en-US) and the field and headings agree, as they do in a desktop browser.
const LOCALE = "en-US";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  `--lang=${LOCALE}`,
];
export const STEP_MS = 20_000;
export const VIEWPORTS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };

export async function withBrowser(args, play) {
  const profile = mkdtempSync(join(tmpdir(), "ems-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    timezoneId: args.tz ?? "UTC",
    locale: LOCALE,
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
  // What a scenario provokes on purpose (a blocked API or chunk) is reported apart, not as a failure.
  const provoked = (args.expectedConsoleErrors ?? []).map((pattern) => new RegExp(pattern));
  const expectedErrors = [];
  const consoleError = (text) =>
    (provoked.some((pattern) => pattern.test(text)) ? expectedErrors : consoleErrors).push(text);
  context.on("console", (message) => {
    if (message.type() === "error") consoleError(message.text());
  });
  context.on("weberror", (error) => consoleError(`page error: ${error.error().message}`));
  context.on("request", (request) => requests.push(new URL(request.url()).pathname));
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(STEP_MS);
  try {
    const result = await play(page, requests);
    return { ok: true, ...result, consoleErrors, expectedErrors, cspViolations };
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

export async function signIn(page, baseUrl, username, password) {
  await page.goto(`${baseUrl}/login`);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  return new URL(page.url()).pathname;
}

/** Retry `attempt` until it returns a truthy value or `ms` pass (events take a moment to sync). */
export async function eventually(what, ms, attempt) {
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

/**
 * The page's width against the screen's and what sticks out past the right edge (for the test's
 * message): the deepest such element, by its box or by text spilling out of it. Run in the page
 * (page.evaluate): self-contained.
 */
export function pastTheEdge() {
  const width = window.innerWidth;
  const scrollsInside = (element) => {
    for (let node = element.parentElement; node && node !== document.body; node = node.parentElement) {
      if (getComputedStyle(node).overflowX !== "visible") return true;
    }
    return false;
  };
  const reaching = [];
  for (const element of document.querySelectorAll("body *")) {
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    // Text or children spilling out of a box that does not clip them reach past the box.
    const reach = style.overflowX === "visible" ? Math.max(box.right, box.left + element.scrollWidth) : box.right;
    if (reach <= width + 0.5) continue;
    if (!["absolute", "fixed"].includes(style.position) && scrollsInside(element)) continue;
    reaching.push({ element, reach });
  }
  const deepest = reaching.filter(
    ({ element }) => !reaching.some((other) => other.element !== element && element.contains(other.element)),
  );
  const culprit = deepest.sort((a, b) => b.reach - a.reach)[0];
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: width,
    culprit: culprit && {
      right: culprit.reach,
      tag: culprit.element.tagName,
      className: String(culprit.element.className),
      text: culprit.element.textContent.slice(0, 60),
    },
  };
}

/** How much wider than the screen the page is (0: not at all), and its widest element past the edge. */
export async function overflow(page) {
  const seen = await page.evaluate(pastTheEdge);
  return { by: seen.scrollWidth - seen.innerWidth, culprit: seen.culprit };
}

export async function screenshotSizes(page, dir, name) {
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
