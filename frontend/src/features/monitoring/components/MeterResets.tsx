import { useId } from "react";
import type { MeterReset } from "../api/types";
import { formatInstant, formatKwh } from "../format";
import "./meter-resets.css";

/** A meter that keeps resetting could list thousands: the latest ones, and how many in all. */
export const RESETS_SHOWN = 20;

interface Props {
  /** Latest first, as the API gives them. */
  resets: MeterReset[];
  tz: string;
  /** The period the list is for ("Monday, 4 May 2026"). */
  title: string;
}

/**
 * An admin's list of a device's meter resets in the shown period: when (in the page's zone) and
 * the register before and after. Nothing when there are none.
 */
export function MeterResets({ resets, tz, title }: Props) {
  const heading = useId();
  if (resets.length === 0) return null;
  const shown = resets.slice(0, RESETS_SHOWN);
  return (
    <section className="card meter-resets" aria-labelledby={heading} data-testid="meter-resets">
      <h3 id={heading}>
        Meter resets <span className="badge admin">admin</span>
      </h3>
      <p className="muted meter-resets-why">
        The meter’s register went down (a reset or a replaced meter), so the reading after it is a new baseline: that
        one interval counts no energy instead of a negative amount, and nothing is invented.
      </p>
      <ul className="meter-reset-list">
        {shown.map((reset) => (
          <li
            key={reset.timestamp}
            data-testid="meter-reset"
            data-timestamp={reset.timestamp}
            data-before={reset.before_kwh}
            data-after={reset.after_kwh}
          >
            <time dateTime={reset.timestamp}>{formatInstant(reset.timestamp, tz)}</time>
            <span className="meter-reset-values">
              register {formatKwh(reset.before_kwh)}
              <span aria-hidden="true"> → </span>
              <span className="sr-only"> went down to </span>
              {formatKwh(reset.after_kwh)}
            </span>
          </li>
        ))}
      </ul>
      {resets.length > shown.length && (
        <p className="muted" data-testid="meter-resets-more">
          The latest {shown.length} of {resets.length} in {title}.
        </p>
      )}
    </section>
  );
}
