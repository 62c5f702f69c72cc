/**
 * Light or dark: "system" follows prefers-color-scheme (src/styles.css does that alone, with
 * light-dark()); "light" and "dark" pin it with data-theme on <html>. The choice is kept in
 * localStorage (a preference of this browser, not a secret) and applied by main.tsx before the
 * first render: the CSP allows no inline script in index.html, and the bundle runs before the
 * app paints anything, so the page never shows in the other theme first.
 */
import { useSyncExternalStore } from "react";

export const THEME_CHOICES = ["system", "light", "dark"] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];

export const THEME_KEY = "ems.theme";

function isThemeChoice(value: unknown): value is ThemeChoice {
  return THEME_CHOICES.includes(value as ThemeChoice);
}

export function readThemeChoice(): ThemeChoice {
  try {
    const stored = localStorage.getItem(THEME_KEY);
    return isThemeChoice(stored) ? stored : "system";
  } catch {
    return "system"; // storage disabled: follow the system
  }
}

/** Puts the choice on <html> for the style sheet. */
export function applyThemeChoice(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === "system") delete root.dataset.theme;
  else root.dataset.theme = choice;
}

let current: ThemeChoice = readThemeChoice();
const listeners = new Set<() => void>();

function choose(choice: ThemeChoice): void {
  current = choice;
  applyThemeChoice(choice);
  listeners.forEach((listener) => listener());
}

export function getThemeChoice(): ThemeChoice {
  return current;
}

export function setThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === "system") localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, choice);
  } catch {
    // storage disabled: the choice lasts as long as the page
  }
  choose(choice);
}

/** Applies the stored choice (main.tsx, before rendering) and follows other tabs' changes. */
export function initTheme(): void {
  choose(readThemeChoice());
  window.addEventListener("storage", (event) => {
    if (event.key === THEME_KEY || event.key === null) choose(readThemeChoice());
  });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useThemeChoice(): ThemeChoice {
  return useSyncExternalStore(subscribe, getThemeChoice);
}
