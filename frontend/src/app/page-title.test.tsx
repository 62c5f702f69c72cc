import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderRoutes } from "../test/render";
import { routes } from "./App";
import { pageTitle } from "./page-title";

describe("page titles", () => {
  it("names the page first, then the app", () => {
    expect(pageTitle("Energy")).toBe("Energy · EMS");
    expect(pageTitle(undefined)).toBe("EMS — Energy Management");
  });

  it("gives every page of the app a title of its own", () => {
    const titled: string[] = [];
    const visit = (list: typeof routes) =>
      list.forEach((route) => {
        if (route.path) titled.push(`${route.path}: ${(route.handle as { title?: string } | undefined)?.title}`);
        if (route.children) visit(route.children);
      });
    visit(routes);
    const pages = titled.filter((entry) => !entry.startsWith("admin:")); // /admin redirects
    expect(pages.filter((entry) => entry.endsWith("undefined"))).toEqual([]);
    expect(new Set(pages.map((entry) => entry.split(": ")[1])).size).toBeGreaterThanOrEqual(10);
  });

  it("sets the tab's title of the page shown", async () => {
    renderRoutes(routes, "/login");
    await waitFor(() => expect(document.title).toBe("Sign in · EMS"));
  });

  it("has a 404 page, titled, with a way home", async () => {
    renderRoutes(routes, "/no/such/page");
    expect(await screen.findByRole("heading", { name: "Page not found" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Go to the start page" })).toHaveAttribute("href", "/");
    await waitFor(() => expect(document.title).toBe("Page not found · EMS"));
  });
});
