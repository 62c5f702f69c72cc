/** An overconsumption alert (DESIGN §5 plus device_name and read_at). */
export interface Alert {
  id: string;
  device_id: string;
  device_name: string;
  hour_start: string;
  kwh: number;
  max_kwh: number;
  created_at: string;
  read_at: string | null;
}

export const ALERTS_KEY = ["monitoring", "alerts"] as const;
