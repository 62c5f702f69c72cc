// A device's meter resets on its energy page: tests/e2e/test_browser_resets.py. The admin sees
// the period's resets listed and a line through the bar of each; the client owner sees neither,
// and its browser never asks for them. Reports what it saw; the test asserts.

import { join } from "node:path";
import { overflow, signIn, VIEWPORTS, withBrowser } from "../harness.mjs";
import { runAxe, settle } from "./layout.mjs";

/** The dashboard as it stands: the listed resets, the chart's reset lines and where they fall. */
function resetFacts() {
  const items = [...document.querySelectorAll('[data-testid="meter-reset"]')].map((item) => ({
    timestamp: item.dataset.timestamp,
    before: Number(item.dataset.before),
    after: Number(item.dataset.after),
    time: item.querySelector("time")?.textContent ?? "",
    text: item.textContent,
  }));
  const bars = [...document.querySelectorAll(".bars-current .recharts-rectangle")].map((bar) => {
    const box = bar.getBoundingClientRect();
    return { left: box.left, right: box.right };
  });
  // Recharts puts the className on the line's group: the stroke is the <line>'s own.
  const lines = [...document.querySelectorAll(".reset-line")].map((group) => {
    const line = group.tagName === "line" ? group : group.querySelector("line");
    const box = line.getBoundingClientRect();
    return { x: box.left + box.width / 2, stroke: getComputedStyle(line).stroke };
  });
  const section = document.querySelector('[data-testid="meter-resets"]');
  return {
    items,
    lines,
    bars,
    heading: section?.querySelector("h3")?.textContent ?? null,
    why: section?.querySelector(".meter-resets-why")?.textContent ?? null,
    note: document.querySelector('[data-testid="reset-note"]')?.textContent ?? null,
  };
}

async function energyResets(args) {
  return withBrowser(args, async (page, requests) => {
    await signIn(page, args.baseUrl, args.username, args.password);
    await page.goto(`${args.baseUrl}${args.path}`);
    await page.getByTestId("energy-bar-chart").waitFor();
    if (args.expectResets) await page.getByTestId("meter-reset").first().waitFor();
    await settle(page);
    const seen = { light: await page.evaluate(resetFacts) };
    // The tooltip of the bar the first line marks, and of the bar before it.
    const bars = page.locator(".bars-current .recharts-rectangle");
    const tooltip = page.getByTestId("chart-tooltip");
    const tooltips = {};
    for (const hour of args.hoverHours ?? []) {
      await bars.nth(hour).hover();
      await tooltip.waitFor();
      await page.waitForTimeout(200); // the tooltip follows the pointer on the next frame
      tooltips[hour] = await tooltip.textContent();
    }
    const screenshots = [];
    if (args.hoverHours?.length) {
      // The chart with the last hovered bar's tooltip; then the pointer off it for the pages.
      const path = join(args.screenshotDir, `${args.name}-tooltip.png`);
      await page.getByTestId("energy-bar-chart").screenshot({ path });
      screenshots.push(path);
      await page.mouse.move(0, 0);
    }
    const layout = {};
    for (const theme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: theme });
      for (const [size, viewport] of Object.entries({ ...VIEWPORTS, small: { width: 360, height: 740 } })) {
        await page.setViewportSize(viewport);
        await page.waitForTimeout(300); // the chart redraws for the new width
        layout[`${size}-${theme}`] = await overflow(page);
        if (size === "small") continue;
        const path = join(args.screenshotDir, `${args.name}-${size}-${theme}.png`);
        await page.screenshot({ path, fullPage: true });
        screenshots.push(path);
      }
      await page.setViewportSize(VIEWPORTS.desktop);
      await page.waitForTimeout(300);
      seen[theme] = await page.evaluate(resetFacts);
      layout[`axe-${theme}`] = await runAxe(page);
    }
    const asked = requests.filter((path) => path.endsWith("/resets/"));
    return { seen, tooltips, layout, screenshots, asked };
  });
}

export const scenarios = { "energy-resets": energyResets };
