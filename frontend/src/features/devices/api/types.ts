export interface Device {
  id: string;
  name: string;
  description: string;
  address: string;
  max_hourly_consumption_kwh: number;
  owner_id: string | null;
}

export type DeviceInput = Pick<Device, "name" | "description" | "address" | "max_hourly_consumption_kwh">;
