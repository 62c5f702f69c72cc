/**
 * The colour theme: "system" follows the operating system (prefers-color-scheme, which the
 * stylesheet's `color-scheme: light dark` does by itself), "light" or "dark" is the user's choice
 * from the header, kept in localStorage. The choice is written to <html data-theme> by the bundle
 * before React renders (main.tsx): the CSP forbids the usual inline script in index.html, and
 * the page has nothing to show before the bundle runs anyway, so there is no flash of the wrong
 * theme.
 */
export type ThemeChoice = "system" | "light" | "dark";

export const THEME_CHOICES: readonly ThemeChoice[] = ["system", "light", "dark"];

const KEY = "ems.theme";
const listeners = new Set<() => void>();

function isChoice(value: unknown): value is ThemeChoice {
  return THEME_CHOICES.includes(value as ThemeChoice);
}

export function storedTheme(): ThemeChoice {
  try {
    const value = localStorage.getItem(KEY);
    return isChoice(value) ? value : "system";
  } catch {
    return "system"; // storage disabled: follow the system
  }
}

/** Puts the choice on the root element; "system" removes the override. */
export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement): void {
  if (choice === "system") delete root.dataset.theme;
  else root.dataset.theme = choice;
}

export function setTheme(choice: ThemeChoice): void {
  try {
    if (choice === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // storage disabled: the choice lasts as long as the page
  }
  applyTheme(choice);
  listeners.forEach((listener) => listener());
}

export function subscribeTheme(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current choice: what the root element says (storage may be unavailable). */
export function currentTheme(): ThemeChoice {
  const value = document.documentElement.dataset.theme;
  return isChoice(value) ? value : "system";
}
