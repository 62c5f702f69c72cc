import { fireEvent, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { renderRoutes } from "../test/render";
import { ErrorPage, isChunkLoadError } from "./ErrorPage";

function Throws({ error }: { error: unknown }): never {
  throw error;
}

function renderFailing(error: unknown) {
  vi.spyOn(console, "error").mockImplementation(() => {}); // React reports the caught error
  return renderRoutes([{ path: "/", element: <Throws error={error} />, errorElement: <ErrorPage /> }], "/");
}

describe("the app's error page", () => {
  it("recognises a chunk that failed to load, in each browser's words", () => {
    expect(
      isChunkLoadError(new TypeError("Failed to fetch dynamically imported module: /assets/EnergyCharts-x.js")),
    ).toBe(true);
    expect(isChunkLoadError(new TypeError("error loading dynamically imported module"))).toBe(true);
    expect(isChunkLoadError(new TypeError("Importing a module script failed."))).toBe(true);
    expect(isChunkLoadError(new Error("Cannot read properties of undefined"))).toBe(false);
  });

  it("offers a reload when a new version's chunks replaced the old ones", () => {
    const reload = vi.fn();
    vi.stubGlobal("location", { ...window.location, reload });
    renderFailing(new TypeError("Failed to fetch dynamically imported module: /assets/EnergyCharts-x.js"));
    expect(screen.getByRole("heading")).toHaveTextContent("A new version is available");
    expect(screen.queryByText(/Hey developer/)).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Reload" }));
    expect(reload).toHaveBeenCalled();
    vi.unstubAllGlobals();
  });

  it("says something went wrong for any other failure, with a reload", () => {
    renderFailing(new Error("boom"));
    expect(screen.getByRole("heading")).toHaveTextContent("Something went wrong");
    expect(screen.getByTestId("app-error-detail")).toHaveTextContent("boom");
    expect(screen.getByRole("button", { name: "Reload" })).toBeInTheDocument();
  });
});
