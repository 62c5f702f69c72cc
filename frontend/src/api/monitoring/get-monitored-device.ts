import { useItemQuery } from "../../lib/queries";
import { MONITORED_DEVICES_KEY } from "./list-monitored-devices";
import type { MonitoredDevice } from "./types";

/** One device by id (a filter named in the address); null id asks nothing. */
export function useMonitoredDevice(id: string | null) {
  return useItemQuery<MonitoredDevice>(MONITORED_DEVICES_KEY, (known) => `/api/monitoring/devices/${known}/`, id);
}
