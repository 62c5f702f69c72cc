import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { showToast, Toaster } from "./Toast";

describe("Toaster", () => {
  afterEach(() => vi.useRealTimers());

  it("announces a toast in a polite live region that was there before it", async () => {
    render(<Toaster />);
    const region = screen.getByTestId("toasts");
    expect(region).toHaveAttribute("role", "status");
    expect(region).toHaveAttribute("aria-live", "polite");
    expect(region).toBeEmptyDOMElement();
    act(() => showToast("Created device Kitchen."));
    expect(within(region).getByText("Created device Kitchen.")).toBeInTheDocument();
    await userEvent.setup().click(within(region).getByRole("button", { name: "Dismiss" }));
    expect(region).toBeEmptyDOMElement();
  });

  it("goes away by itself, and shows the last three at most", () => {
    vi.useFakeTimers();
    render(<Toaster />);
    act(() => ["one", "two", "three", "four"].forEach((text) => showToast(text)));
    expect(screen.getAllByTestId("toast").map((toast) => toast.textContent)).toEqual(["two×", "three×", "four×"]);
    act(() => vi.advanceTimersByTime(6_000));
    expect(screen.queryAllByTestId("toast")).toHaveLength(0);
  });

  it("adds no <style> element (the CSP forbids inline styles)", () => {
    const before = document.querySelectorAll("style").length;
    render(<Toaster />);
    act(() => showToast("Saved."));
    expect(document.querySelectorAll("style")).toHaveLength(before);
  });
});
