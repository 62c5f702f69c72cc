import type { components } from "../generated/monitoring";

type Schemas = components["schemas"];

/**
 * A device as monitoring last heard of it from device_service: the energy page's and the
 * tariffs' device lists (shared code, so both features read it).
 */
export type MonitoredDevice = Schemas["Device"] & { owner_username?: string | null };

export type MonitoredDeviceList = Omit<Schemas["PaginatedDeviceList"], "results"> & { results: MonitoredDevice[] };
