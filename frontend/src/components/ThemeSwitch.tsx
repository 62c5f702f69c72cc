import { useId, useSyncExternalStore } from "react";
import { currentTheme, setTheme, subscribeTheme, THEME_CHOICES, type ThemeChoice } from "../lib/theme";

const LABELS: Record<ThemeChoice, string> = { system: "System", light: "Light", dark: "Dark" };

/** The header's theme choice: system, light or dark. */
export function ThemeSwitch() {
  const id = useId();
  const choice = useSyncExternalStore(subscribeTheme, currentTheme);
  return (
    <span className="theme-switch">
      <label htmlFor={id}>Theme</label>
      <select
        id={id}
        data-testid="theme-switch"
        value={choice}
        onChange={(event) => setTheme(event.target.value as ThemeChoice)}
      >
        {THEME_CHOICES.map((value) => (
          <option key={value} value={value}>
            {LABELS[value]}
          </option>
        ))}
      </select>
    </span>
  );
}
