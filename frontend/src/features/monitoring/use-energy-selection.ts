import { useCallback } from "react";
import { useSearchParams } from "react-router";
import { isIsoDate, todayIso } from "../../lib/time";
import { isPeriod, type Period } from "./period";

export interface EnergySelection {
  deviceId: string | null;
  period: Period;
  date: string;
}

export interface SelectionProblems {
  /** The URL's `date` when it names no calendar day, or a day still to come: today is shown. */
  badDate: string | null;
  /** The URL's `period` when it is none of day, week, month, year: a day is shown. */
  badPeriod: string | null;
}

/**
 * The dashboard's device, period and day live in the URL
 * (`?device=<id>&period=week&date=YYYY-MM-DD`), so a reload or a shared link shows the same
 * chart. A missing date means today and a missing period a day; a bad one too, and it is named
 * in `problems` so the page can say so.
 */
export function useEnergySelection(
  today: string = todayIso(),
): [EnergySelection, (next: Partial<EnergySelection>, replace?: boolean) => void, SelectionProblems] {
  const [params, setParams] = useSearchParams();
  const rawDate = params.get("date");
  const rawPeriod = params.get("period");
  const dateOk = isIsoDate(rawDate) && rawDate <= today;
  const selection: EnergySelection = {
    deviceId: params.get("device") || null,
    period: isPeriod(rawPeriod) ? rawPeriod : "day",
    date: dateOk ? rawDate : today,
  };
  const problems: SelectionProblems = {
    badDate: rawDate !== null && !dateOk ? rawDate : null,
    badPeriod: rawPeriod !== null && !isPeriod(rawPeriod) ? rawPeriod : null,
  };

  const select = useCallback(
    (next: Partial<EnergySelection>, replace = false) => {
      setParams(
        (current) => {
          const updated = new URLSearchParams(current);
          if (next.deviceId !== undefined) {
            if (next.deviceId) updated.set("device", next.deviceId);
            else updated.delete("device");
          }
          if (next.period !== undefined) updated.set("period", next.period);
          if (next.date !== undefined) updated.set("date", next.date);
          return updated;
        },
        { replace },
      );
    },
    [setParams],
  );
  return [selection, select, problems];
}
