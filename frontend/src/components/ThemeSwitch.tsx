import { setThemeChoice, THEME_CHOICES, useThemeChoice, type ThemeChoice } from "../lib/theme";

const LABELS: Record<ThemeChoice, string> = { system: "System", light: "Light", dark: "Dark" };

/** The header's theme choice: a native select, labelled, small enough for a phone's header. */
export function ThemeSwitch() {
  const choice = useThemeChoice();
  return (
    <label className="theme-switch">
      <span className="sr-only">Theme</span>
      <span aria-hidden="true">◐</span>
      <select
        value={choice}
        data-testid="theme-switch"
        onChange={(event) => setThemeChoice(event.target.value as ThemeChoice)}
      >
        {THEME_CHOICES.map((value) => (
          <option key={value} value={value}>
            {LABELS[value]}
          </option>
        ))}
      </select>
    </label>
  );
}
