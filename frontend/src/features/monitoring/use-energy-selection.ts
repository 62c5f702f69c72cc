import { useCallback } from "react";
import { useSearchParams } from "react-router";
import { isIsoDate, todayIso } from "../../lib/time";

export interface EnergySelection {
  deviceId: string | null;
  date: string;
}

/**
 * The dashboard's device and day live in the URL (`?device=<id>&date=YYYY-MM-DD`), so a reload
 * or a shared link shows the same chart. A missing or invalid date means today.
 */
export function useEnergySelection(): [EnergySelection, (next: Partial<EnergySelection>, replace?: boolean) => void] {
  const [params, setParams] = useSearchParams();
  const rawDate = params.get("date");
  const selection: EnergySelection = {
    deviceId: params.get("device") || null,
    date: isIsoDate(rawDate) ? rawDate : todayIso(),
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
          if (next.date !== undefined) updated.set("date", next.date);
          return updated;
        },
        { replace },
      );
    },
    [setParams],
  );
  return [selection, select];
}
