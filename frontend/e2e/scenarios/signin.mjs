// Sign-in scenarios for tests/e2e/test_browser_signin.py: sessions shared by the tabs of one
// browser (the HttpOnly refresh cookie), sign-out ending them, the lockout's live countdown,
// the cursor in Username, and the admin's landing on the fleet page with its links.

import { join } from "node:path";
import { eventually, signIn, VIEWPORTS, withBrowser } from "../harness.mjs";

/** Who the page says is signed in, once it has decided: the header's user, or the login form. */
async function whoIsSignedIn(page) {
  const user = page.getByTestId("current-user");
  const form = page.locator('input[name="username"]');
  await user.or(form).first().waitFor();
  return {
    path: new URL(page.url()).pathname,
    user: (await user.count()) ? await user.textContent() : null,
  };
}

/** Full-page screenshots of the page in the light theme at each size: `<name>-<size>-light.png`. */
async function lightScreenshots(page, dir, name) {
  await page.emulateMedia({ colorScheme: "light" });
  const paths = [];
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(300); // the layout settles at the new width
    const path = join(dir, `${name}-${size}-light.png`);
    await page.screenshot({ path, fullPage: true });
    paths.push(path);
  }
  await page.setViewportSize(VIEWPORTS.desktop);
  return paths;
}

/**
 * The admin lands on /admin/fleet; a top consumer's link opens that device's dashboard. A new
 * tab (same browser) opened on a deep link is signed in; after signing out, a new tab is not,
 * and a reload of the other tab is not either.
 */
async function sessionsAcrossTabs(args) {
  return withBrowser(args, async (page) => {
    const landing = await signIn(page, args.baseUrl, args.username, args.password);
    await page.locator('[data-testid="fleet"][aria-busy="false"]').waitFor();
    const link = page.locator(`[data-testid="fleet-top"] a[href*="device=${args.deviceId}"]`);
    const linkTitle = await link.getAttribute("title");
    const screenshots = await lightScreenshots(page, args.screenshotDir, "fleet");
    // The fleet page at 360 px too: what the screenshots show must hold at the narrowest size.
    await page.setViewportSize({ width: 360, height: 800 });
    const narrow = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    await page.setViewportSize(VIEWPORTS.desktop);

    const asked = page.waitForRequest((request) => {
      const url = new URL(request.url());
      return url.pathname.startsWith("/api/monitoring/") && url.searchParams.get("device_id") === args.deviceId;
    });
    await link.click();
    await page.waitForURL((url) => url.pathname === "/energy");
    const dashboard = { url: page.url(), asked: (await asked).url() };

    const second = await page.context().newPage();
    await second.goto(`${args.baseUrl}/alerts`);
    const secondTab = await whoIsSignedIn(second);
    const storage = await second.evaluate(() => ({ session: sessionStorage.length, cookie: document.cookie }));

    const loggedOut = page.waitForResponse((response) => response.url().endsWith("/api/auth/logout/"));
    await page.getByRole("button", { name: "Sign out" }).click();
    const logout = (await loggedOut).status();
    await page.waitForURL((url) => url.pathname === "/login");
    const third = await page.context().newPage();
    await third.goto(`${args.baseUrl}/energy`);
    const afterSignOut = await whoIsSignedIn(third);
    await second.reload();
    const secondReloaded = await whoIsSignedIn(second);
    return {
      landing,
      linkTitle,
      narrow,
      dashboard,
      secondTab,
      storage,
      logout,
      afterSignOut,
      secondReloaded,
      screenshots,
    };
  });
}

/**
 * The login form has the cursor in Username; a username locked out after failed sign-ins (the
 * failures are made here through the API, waiting out each delay so the next doubles) shows
 * "try again in N seconds", and N goes down while the page is open.
 */
async function lockoutCountdown(args) {
  return withBrowser(args, async (page) => {
    const wrong = { username: args.lockedUsername, password: "not-the-password" };
    let wait = 0;
    // Free failures, then delays of 1, 2, 4, 8… seconds: stop at one long enough to watch.
    for (let attempt = 0; attempt < 20 && wait < args.minWait; attempt++) {
      const answer = await page.request.post(`${args.baseUrl}/api/auth/login/`, { data: wrong });
      if (answer.status() === 429) {
        wait = Number(answer.headers()["retry-after"]);
        if (wait < args.minWait) await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 100));
      } else if (answer.status() !== 401) {
        throw new Error(`login answered ${answer.status()}`);
      }
    }
    if (wait < args.minWait) throw new Error(`no lockout of ${args.minWait} s (last ${wait} s)`);

    await page.goto(`${args.baseUrl}/login`);
    await page.locator('input[name="username"]').waitFor();
    const focused = await page.evaluate(() => document.activeElement?.getAttribute("name") ?? null);
    await page.locator('input[name="username"]').fill(wrong.username);
    await page.locator('input[name="password"]').fill(wrong.password);
    await page.locator('button[type="submit"]').click();
    const timer = page.getByRole("timer");
    await timer.waitFor();
    // The number and the sentence in one read, so a tick cannot fall between them.
    const read = () => timer.evaluate((el) => ({ seconds: Number(el.dataset.seconds), text: el.textContent }));
    const first = await read();
    const later = await eventually("the countdown going down", 10_000, async () => {
      const now = await read();
      return now.seconds < first.seconds ? now : null;
    });
    const alert = await page.getByTestId("lockout").getByRole("alert").textContent();
    return { retryAfter: wait, focused, first, later, alert };
  });
}

export const scenarios = {
  "sessions-across-tabs": sessionsAcrossTabs,
  "lockout-countdown": lockoutCountdown,
};
