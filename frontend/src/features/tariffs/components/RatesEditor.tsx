import { useId } from "react";
import type { Rate } from "../api/types";
import { WEEKDAYS } from "../rates";

interface Props {
  rates: Rate[];
  onChange: (rates: Rate[]) => void;
  /** The API's field errors: "rates" (a gap or overlap) and "rates[2].end"… */
  errors: Record<string, string>;
  onFlat: () => void;
}

const PARTS = ["days", "start", "end", "price_per_kwh"] as const;

const HH_MM = String.raw`\d\d:\d\d`;

/** The rate's text inputs after its weekdays. */
const INPUTS = [
  { part: "start", label: "From", inputMode: "numeric", placeholder: "HH:MM", pattern: HH_MM },
  { part: "end", label: "To", inputMode: "numeric", placeholder: "HH:MM (24:00)", pattern: HH_MM },
  { part: "price_per_kwh", label: "Price per kWh", inputMode: "decimal" },
] as const;

/** A week's rates, one row each: weekdays, start, end, price; the errors at their row and field. */
export function RatesEditor({ rates, onChange, errors, onFlat }: Props) {
  const id = useId();
  const set = (index: number, patch: Partial<Rate>) =>
    onChange(rates.map((rate, i) => (i === index ? { ...rate, ...patch } : rate)));
  const whole = errors["rates"];
  return (
    <fieldset className="rates-editor" aria-describedby={whole ? `${id}-error` : undefined}>
      <legend>Rates</legend>
      {whole && (
        <p id={`${id}-error`} className="field-error" role="alert" data-testid="rates-error">
          {whole}
        </p>
      )}
      {rates.map((rate, index) => {
        const error = (part: (typeof PARTS)[number]) => errors[`rates[${index}].${part}`];
        const rowErrors = PARTS.map((part) => error(part)).filter(Boolean);
        const errorId = `${id}-${index}-error`;
        const described = rowErrors.length ? errorId : undefined;
        return (
          <div className="rate-row" key={index} data-testid="rate-row" data-index={index}>
            <fieldset className="rate-days" aria-invalid={!!error("days")} aria-describedby={described}>
              <legend className="sr-only">Rate {index + 1} days</legend>
              {WEEKDAYS.map((name, day) => (
                <label key={name}>
                  <input
                    type="checkbox"
                    checked={rate.days.includes(day)}
                    onChange={(e) =>
                      set(index, {
                        days: e.target.checked
                          ? [...rate.days, day].sort((a, b) => a - b)
                          : rate.days.filter((d) => d !== day),
                      })
                    }
                  />
                  {name}
                </label>
              ))}
            </fieldset>
            {INPUTS.map(({ part, label, ...input }) => (
              <div className="field" key={part}>
                <label htmlFor={`${id}-${index}-${part}`}>{label}</label>
                <input
                  id={`${id}-${index}-${part}`}
                  type="text"
                  {...input}
                  value={rate[part]}
                  aria-invalid={!!error(part)}
                  aria-describedby={described}
                  onChange={(e) => set(index, { [part]: e.target.value })}
                />
              </div>
            ))}
            <button
              type="button"
              className="secondary"
              aria-label={`Remove rate ${index + 1}`}
              disabled={rates.length === 1}
              onClick={() => onChange(rates.filter((_, i) => i !== index))}
            >
              Remove
            </button>
            {rowErrors.length > 0 && (
              <span id={errorId} className="field-error rate-error" data-testid="rate-error">
                {rowErrors.join(" ")}
              </span>
            )}
          </div>
        );
      })}
      <div className="actions">
        <button type="button" className="secondary" onClick={onFlat}>
          Flat: one price, every day
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => onChange([...rates, { days: [], start: "", end: "", price_per_kwh: "" }])}
        >
          Add rate
        </button>
      </div>
    </fieldset>
  );
}
