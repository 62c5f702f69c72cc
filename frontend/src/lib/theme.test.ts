import { afterEach, describe, expect, it } from "vitest";
import { getThemeChoice, initTheme, readThemeChoice, setThemeChoice, THEME_KEY } from "./theme";

afterEach(() => setThemeChoice("system"));

describe("the theme choice", () => {
  it("follows the system until a theme is chosen", () => {
    expect(readThemeChoice()).toBe("system");
    initTheme();
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it("pins the chosen theme on <html> and keeps it in localStorage", () => {
    setThemeChoice("dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(localStorage.getItem(THEME_KEY)).toBe("dark");
    setThemeChoice("light");
    expect(document.documentElement.dataset.theme).toBe("light");
    setThemeChoice("system");
    expect(document.documentElement.dataset.theme).toBeUndefined();
    expect(localStorage.getItem(THEME_KEY)).toBeNull();
  });

  it("applies the stored choice at start, before anything renders", () => {
    localStorage.setItem(THEME_KEY, "dark");
    initTheme();
    expect(getThemeChoice()).toBe("dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
  });

  it("treats an unknown stored value as the system's", () => {
    localStorage.setItem(THEME_KEY, "sepia");
    expect(readThemeChoice()).toBe("system");
  });

  it("follows a choice made in another tab", () => {
    initTheme();
    localStorage.setItem(THEME_KEY, "light");
    window.dispatchEvent(new StorageEvent("storage", { key: THEME_KEY }));
    expect(getThemeChoice()).toBe("light");
    expect(document.documentElement.dataset.theme).toBe("light");
  });
});
