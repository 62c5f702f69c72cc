import type { MonitoredDevice } from "../../../api/monitoring/types";
import { useIsAdmin } from "../use-is-admin";
import { DevicePicker } from "../../../components/DevicePicker";

interface Props {
  devices: MonitoredDevice[];
  value: string | null;
  onChange: (deviceId: string) => void;
}

/**
 * The dashboard's device: a client's few in a plain select; an admin's fleet (a thousand) in the
 * searchable picker, which asks the API for matches instead of listing them all.
 */
export function DeviceSelector({ devices, value, onChange }: Props) {
  if (useIsAdmin()) {
    return (
      <DevicePicker
        id="device-selector"
        value={value}
        known={devices.find((device) => device.id === value) ?? null}
        onChange={(device) => device && onChange(device.id)}
      />
    );
  }
  return (
    <div className="field inline">
      <label htmlFor="device-selector">Device</label>
      <select
        id="device-selector"
        data-testid="device-selector"
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value)}
      >
        {!value && <option value="">Choose a device</option>}
        {devices.map((device) => (
          <option key={device.id} value={device.id}>
            {device.name}
          </option>
        ))}
      </select>
    </div>
  );
}
