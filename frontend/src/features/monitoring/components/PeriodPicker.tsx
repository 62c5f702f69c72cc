import { useRef, useState } from "react";
import { isIsoDate } from "../../../lib/time";
import { canStepForward, holdsToday, PERIOD_NAMES, PERIODS, shiftPeriod, type Period } from "../period";

interface Props {
  period: Period;
  date: string;
  today: string;
  onChange: (next: { period?: Period; date?: string }) => void;
}

/**
 * Day / Week / Month / Year, then the previous and next period around the native date field,
 * and Today. The field commits a typed date on Enter or when it loses focus, never on each
 * keystroke (typing 11/25/2026 passes through other valid dates on the way); a day picked in
 * the browser's calendar, with no key typed, commits at once.
 */
export function PeriodPicker({ period, date, today, onChange }: Props) {
  const [draft, setDraft] = useState<string | null>(null);
  const typing = useRef(false);
  const name = period;

  function commit(raw: string) {
    typing.current = false;
    setDraft(null);
    if (isIsoDate(raw) && raw <= today && raw !== date) onChange({ date: raw });
  }

  return (
    <div className="period-picker">
      <div className="segmented" role="group" aria-label="Period">
        {PERIODS.map((p) => (
          <button
            key={p}
            type="button"
            className={p === period ? "selected" : "secondary"}
            aria-pressed={p === period}
            data-testid={`period-${p}`}
            onClick={() => onChange({ period: p })}
          >
            {PERIOD_NAMES[p]}
          </button>
        ))}
      </div>
      <div className="field inline date-picker">
        <label htmlFor="date-picker">Date</label>
        <div className="date-row">
          <button
            type="button"
            className="secondary"
            aria-label={`Previous ${name}`}
            data-testid="previous-period"
            onClick={() => onChange({ date: shiftPeriod(date, period, -1) })}
          >
            ‹
          </button>
          <input
            id="date-picker"
            data-testid="date-picker"
            type="date"
            required
            max={today}
            value={draft ?? date}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                commit(e.currentTarget.value);
              } else if (e.key === "Escape") {
                typing.current = false;
                setDraft(null);
              } else {
                typing.current = true;
              }
            }}
            onChange={(e) => (typing.current ? setDraft(e.target.value) : commit(e.target.value))}
            onBlur={(e) => {
              if (draft !== null || typing.current) commit(e.currentTarget.value);
            }}
          />
          <button
            type="button"
            className="secondary"
            aria-label={`Next ${name}`}
            data-testid="next-period"
            disabled={!canStepForward(date, period, today)}
            title={canStepForward(date, period, today) ? undefined : `The next ${name} has not begun`}
            onClick={() => onChange({ date: shiftPeriod(date, period, 1) })}
          >
            ›
          </button>
          <button
            type="button"
            className="secondary"
            data-testid="today"
            disabled={holdsToday(date, period, today)}
            onClick={() => onChange({ date: today })}
          >
            Today
          </button>
        </div>
      </div>
    </div>
  );
}
