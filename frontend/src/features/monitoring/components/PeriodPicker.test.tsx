import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { PeriodPicker } from "./PeriodPicker";

const TODAY = "2026-12-02";

function setup(period: "day" | "week" | "month" | "year" = "day", date = "2026-11-30") {
  const onChange = vi.fn();
  render(<PeriodPicker period={period} date={date} today={TODAY} onChange={onChange} />);
  return { onChange, input: screen.getByTestId("date-picker") as HTMLInputElement };
}

/** What a person typing into the native field sends: a key, then the field's value so far. */
function typeKey(input: HTMLInputElement, key: string, valueAfter: string) {
  fireEvent.keyDown(input, { key });
  fireEvent.change(input, { target: { value: valueAfter } });
}

describe("PeriodPicker", () => {
  it("commits a typed date on Enter, not on each keystroke", () => {
    const { onChange, input } = setup();
    // Typing 11/25/2026: the year's digits pass through 0002, 0020, 0202 on the way.
    typeKey(input, "1", "2026-11-30");
    typeKey(input, "2", "2026-11-25");
    typeKey(input, "2", "0002-11-25");
    typeKey(input, "0", "0020-11-25");
    typeKey(input, "2", "0202-11-25");
    typeKey(input, "6", "2026-11-25");
    expect(onChange).not.toHaveBeenCalled();
    expect(input).toHaveValue("2026-11-25"); // the draft stays in the field
    fireEvent.keyDown(input, { key: "Enter" });
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenCalledWith({ date: "2026-11-25" });
  });

  it("commits a typed date when the field loses focus", () => {
    const { onChange, input } = setup();
    typeKey(input, "1", "2026-11-21");
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.blur(input);
    expect(onChange).toHaveBeenCalledWith({ date: "2026-11-21" });
  });

  it("drops an unfinished or future date on blur and shows the day again", () => {
    const { onChange, input } = setup();
    typeKey(input, "Backspace", "");
    fireEvent.blur(input);
    typeKey(input, "9", "2027-01-09");
    fireEvent.keyDown(input, { key: "Enter" });
    expect(onChange).not.toHaveBeenCalled();
    expect(input).toHaveValue("2026-11-30");
  });

  it("commits a day picked in the calendar (no key typed) at once", () => {
    const { onChange, input } = setup();
    fireEvent.change(input, { target: { value: "2026-11-12" } });
    expect(onChange).toHaveBeenCalledWith({ date: "2026-11-12" });
  });

  it("steps to the previous and next period, never into the future", () => {
    const { onChange } = setup("week", "2026-11-25");
    fireEvent.click(screen.getByRole("button", { name: "Previous week" }));
    expect(onChange).toHaveBeenLastCalledWith({ date: "2026-11-16" });
    fireEvent.click(screen.getByRole("button", { name: "Next week" }));
    expect(onChange).toHaveBeenLastCalledWith({ date: "2026-11-30" });
  });

  it("disables Next and Today on the running period", () => {
    setup("month", "2026-12-01");
    expect(screen.getByRole("button", { name: "Next month" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Today" })).toBeDisabled();
  });

  it("switches the period and goes back to today", () => {
    const { onChange } = setup("day", "2026-06-01");
    expect(screen.getByRole("button", { name: "Day" })).toHaveAttribute("aria-pressed", "true");
    fireEvent.click(screen.getByRole("button", { name: "Year" }));
    expect(onChange).toHaveBeenLastCalledWith({ period: "year" });
    fireEvent.click(screen.getByRole("button", { name: "Today" }));
    expect(onChange).toHaveBeenLastCalledWith({ date: TODAY });
  });
});
