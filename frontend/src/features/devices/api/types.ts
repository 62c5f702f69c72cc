import type { components } from "../../../api/generated/devices";

type Schemas = components["schemas"];

/** A device as device_service returns it, with its owner's username (null: unassigned). */
export type Device = Schemas["Device"] & { owner_username?: string | null };

/** What the device form sends on create and on edit (the owner is set by assign). */
export type DeviceInput = Pick<
  Schemas["DeviceRequest"],
  "name" | "description" | "address" | "max_hourly_consumption_kwh" | "reading_interval_minutes" | "meter_format"
>;

/** The payload a device's meter sends: our JSON, Tasmota's SENSOR telemetry, a Shelly Gen2 status. */
export type MeterFormat = Schemas["MeterFormatEnum"];

export type DeviceList = Omit<Schemas["PaginatedDeviceList"], "results"> & { results: Device[] };

export type AssignRequest = Schemas["AssignRequest"];

/** A device's meter key as issued: the password is in this answer only. */
export type MeterKey = Schemas["MeterKey"];
