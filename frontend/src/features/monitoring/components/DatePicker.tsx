import { isIsoDate, shiftDay } from "../../../lib/time";

interface Props {
  value: string;
  onChange: (date: string) => void;
}

/** The native date input (keyboard-usable everywhere) between previous and next day buttons. */
export function DatePicker({ value, onChange }: Props) {
  return (
    <div className="field inline date-picker">
      <label htmlFor="date-picker">Day</label>
      <div className="date-row">
        <button
          type="button"
          className="secondary"
          aria-label="Previous day"
          data-testid="previous-day"
          onClick={() => onChange(shiftDay(value, -1))}
        >
          ‹
        </button>
        <input
          id="date-picker"
          data-testid="date-picker"
          type="date"
          required
          value={value}
          onChange={(e) => isIsoDate(e.target.value) && onChange(e.target.value)}
        />
        <button
          type="button"
          className="secondary"
          aria-label="Next day"
          data-testid="next-day"
          onClick={() => onChange(shiftDay(value, 1))}
        >
          ›
        </button>
      </div>
    </div>
  );
}
