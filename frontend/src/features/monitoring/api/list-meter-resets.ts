import { usePageQuery } from "../../../lib/queries";
import type { MeterResets } from "./types";

export const METER_RESETS_KEY = ["monitoring", "resets"] as const;

export interface MeterResetsQuery {
  deviceId: string;
  /** Local days in `tz`, both included. */
  start: string;
  end: string;
  tz: string;
}

/**
 * The device's meter resets on the local days start..end, latest first (admins only: anyone
 * else gets a 403, so a null query asks nothing).
 */
export function useMeterResets(query: MeterResetsQuery | null) {
  const { deviceId = "", start = "", end = "", tz = "" } = query ?? {};
  return usePageQuery<MeterResets>(
    [...METER_RESETS_KEY, deviceId],
    `/api/monitoring/devices/${deviceId}/resets/`,
    { start, end, tz },
    { enabled: query !== null },
  );
}
