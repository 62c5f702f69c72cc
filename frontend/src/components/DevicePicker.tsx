import { pageOptions, SearchPicker, type PickerOptions } from "./SearchPicker";
import { usePickedItem } from "./use-picked-item";
import { useMonitoredDevice } from "../api/monitoring/get-monitored-device";
import { useMonitoredDeviceSearch } from "../api/monitoring/list-monitored-devices";
import type { MonitoredDevice } from "../api/monitoring/types";

/** The first page of devices matching the typed text (`GET /api/monitoring/devices/?search=`). */
function useDeviceOptions(search: string): PickerOptions<MonitoredDevice> {
  return pageOptions(useMonitoredDeviceSearch(search));
}

interface Props {
  id: string;
  label?: string;
  /** What the empty box says (default: how to search). */
  placeholder?: string;
  /** The chosen device's id, or null. */
  value: string | null;
  /** The chosen device when the caller has it already (the dashboard's list): no lookup. */
  known?: MonitoredDevice | null;
  onChange: (device: MonitoredDevice | null) => void;
  clearLabel?: string;
}

/** A device found by part of its name or its owner's username; the owner beside each. */
export function DevicePicker({ id, label, placeholder, value, known, onChange, clearLabel }: Props) {
  const choice = usePickedItem(value, onChange, useMonitoredDevice, known);
  return (
    <SearchPicker<MonitoredDevice>
      id={id}
      label={label ?? "Device"}
      placeholder={placeholder ?? "part of a name or owner"}
      {...choice}
      useOptions={useDeviceOptions}
      itemName={(device) => device.name}
      itemDetail={(device) => device.owner_username ?? "unassigned"}
      clearLabel={clearLabel}
    />
  );
}
