import type { MonitoredDevice } from "../api/types";

interface Props {
  devices: MonitoredDevice[];
  value: string | null;
  onChange: (deviceId: string) => void;
}

export function DeviceSelector({ devices, value, onChange }: Props) {
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
