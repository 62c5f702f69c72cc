// The app's shell at desktop and phone sizes, in light and dark: tests/e2e/test_browser_layout.py.
// Each scenario reports what it measured; the test asserts.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pastTheEdge, signIn, VIEWPORTS, withBrowser } from "../harness.mjs";

// axe-core's own script, run with page.evaluate: the page's CSP forbids adding a <script>.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const THEME_KEY = "ems.theme";
const PHONE = VIEWPORTS.phone;

/** Until the page has its data: no spinner left and the network quiet. */
export async function settle(page) {
  await page.waitForLoadState("networkidle").catch(() => {});
  await page.waitForFunction(() => document.querySelector("main") && !document.querySelector(".loading"));
  await page.waitForTimeout(200); // the charts measure their box once
}

/** What the layout test checks of a page besides its width. */
function pageFacts() {
  const longName = [...document.querySelectorAll("[title]")].find((element) => element.title.length >= 120);
  return {
    title: document.title,
    homeLink: document.querySelector("main a[href='/']")?.getAttribute("href") ?? null,
    longNameTitled: !!longName && longName.scrollWidth > longName.clientWidth,
  };
}

export async function runAxe(page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags } });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.slice(0, 5).map((node) => `${node.target.join(" ")}: ${node.failureSummary}`),
    }));
  }, AXE_TAGS);
}

/** Every path at every viewport in every theme (the system's, emulated): overflow, title, axe. */
async function layoutPages(args) {
  return withBrowser(args, async (page) => {
    if (args.username) await signIn(page, args.baseUrl, args.username, args.password);
    const pages = [];
    for (const theme of args.themes) {
      await page.emulateMedia({ colorScheme: theme });
      for (const [size, viewport] of Object.entries(args.viewports)) {
        await page.setViewportSize(viewport);
        for (const path of args.paths) {
          await page.goto(`${args.baseUrl}${path}`);
          await settle(page);
          const seen = {
            path,
            size,
            theme,
            ...(await page.evaluate(pastTheEdge)),
            ...(await page.evaluate(pageFacts)),
          };
          if (args.axe) seen.axe = await runAxe(page);
          pages.push(seen);
        }
      }
    }
    return { pages };
  });
}

function box(rect) {
  return { left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom };
}

/** New device on a phone: where the dialog and its buttons are, where Tab goes, what typing reaches. */
async function layoutDialog(args) {
  return withBrowser(args, async (page) => {
    await page.setViewportSize(args.viewport ?? PHONE);
    await signIn(page, args.baseUrl, args.username, args.password);
    await page.goto(`${args.baseUrl}/admin/devices`);
    await settle(page);
    const opener = page.getByRole("button", { name: "New device" });
    await opener.click();
    const dialog = page.getByRole("dialog", { name: "New device" });
    await dialog.waitFor();
    const measured = await dialog.evaluate((element) => {
      const rect = (node) => node.getBoundingClientRect();
      return {
        dialog: rect(element),
        buttons: [...element.querySelectorAll("button")].map((button) => ({
          name: button.textContent.trim(),
          ...rect(button).toJSON(),
        })),
      };
    });
    const focused = [];
    let cycled = false;
    const first = await page.evaluate(() => document.activeElement?.name ?? null);
    for (let press = 0; press < 16; press += 1) {
      await page.keyboard.press("Tab");
      const where = await page.evaluate(() => {
        const active = document.activeElement;
        if (!active || active === document.body) return { where: "browser", name: null };
        return { where: active.closest("dialog[open]") ? "dialog" : "page", name: active.name ?? null };
      });
      focused.push(where.where);
      if (press > 0 && where.name && where.name === first) cycled = true;
    }
    // What is typed now lands in the dialog or nowhere, never in a field of the page behind.
    await page.keyboard.type("zz");
    const pageFieldsTyped = await page.evaluate(() =>
      [...document.querySelectorAll("input, textarea")]
        .filter((field) => !field.closest("dialog") && field.value.includes("zz"))
        .map((field) => field.name || field.id),
    );
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    const focusBackOn = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? null);
    return {
      dialog: box(measured.dialog),
      buttons: measured.buttons.map((button) => ({ name: button.name, ...box(button) })),
      focused,
      cycled,
      pageFieldsTyped,
      focusBackOn,
      scrollWidth: await page.evaluate(() => document.documentElement.scrollWidth),
    };
  });
}

/** The page's background, the theme on <html>, the switch's value and a bar's fill. */
function themeReport() {
  const bar = document.querySelector(".bars-current path, .bars-current rect");
  return {
    theme: document.documentElement.dataset.theme ?? null,
    switch: document.querySelector("[data-testid='theme-switch']")?.value ?? null,
    background: getComputedStyle(document.body.parentElement).backgroundColor,
    bar: bar ? getComputedStyle(bar).fill : null,
    bars: document.querySelectorAll(".bars-current path, .bars-current rect").length,
  };
}

/** The dashboard under a dark system, then the header's switch set to light and to dark. */
async function layoutDark(args) {
  return withBrowser(args, async (page) => {
    await page.emulateMedia({ colorScheme: "dark" });
    await signIn(page, args.baseUrl, args.username, args.password);
    await page.goto(`${args.baseUrl}${args.path}`);
    await settle(page);
    await page.locator(".bars-current").first().waitFor();
    const system = await page.evaluate(themeReport);
    const theme = page.getByRole("combobox", { name: "Theme" });
    await theme.selectOption("light");
    const light = await page.evaluate(themeReport);
    await page.reload();
    await settle(page);
    const reloaded = await page.evaluate(themeReport);
    await page.emulateMedia({ colorScheme: "light" });
    await theme.selectOption("dark");
    const dark = await page.evaluate(themeReport);
    return { system, light, reloaded, dark };
  });
}

/** Fleet and admin devices at desktop and phone size, light and dark (the switch's choice). */
async function layoutScreenshots(args) {
  return withBrowser(args, async (page) => {
    await signIn(page, args.baseUrl, args.username, args.password);
    const screenshots = [];
    for (const theme of ["light", "dark"]) {
      await page.evaluate(([key, value]) => localStorage.setItem(key, value), [THEME_KEY, theme]);
      for (const [name, path] of [
        ["fleet", "/admin/fleet"],
        ["admin-devices", "/admin/devices"],
      ]) {
        for (const size of ["desktop", "phone"]) {
          await page.setViewportSize(size === "desktop" ? { width: 1280, height: 800 } : PHONE);
          await page.goto(`${args.baseUrl}${path}`);
          await settle(page);
          const file = join(args.screenshotDir, `${name}-${size}-${theme}.png`);
          await page.screenshot({ path: file, fullPage: true });
          screenshots.push(file);
        }
      }
    }
    return { screenshots };
  });
}

export const scenarios = {
  "layout-pages": layoutPages,
  "layout-dialog": layoutDialog,
  "layout-dark": layoutDark,
  "layout-screenshots": layoutScreenshots,
};
