import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { setThemeChoice, THEME_KEY } from "../lib/theme";
import { ThemeSwitch } from "./ThemeSwitch";

afterEach(() => setThemeChoice("system"));

describe("ThemeSwitch", () => {
  it("is a labelled choice of system, light and dark that sets the theme", async () => {
    render(<ThemeSwitch />);
    const select = screen.getByRole("combobox", { name: "Theme" });
    expect(select).toHaveValue("system");
    expect(screen.getAllByRole("option").map((option) => option.textContent)).toEqual(["System", "Light", "Dark"]);
    await userEvent.setup().selectOptions(select, "dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(localStorage.getItem(THEME_KEY)).toBe("dark");
    expect(select).toHaveValue("dark");
  });
});
