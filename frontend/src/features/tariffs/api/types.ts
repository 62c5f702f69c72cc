import type { components } from "../../../api/generated/monitoring";

type Schemas = components["schemas"];

/** One window of a week: days (Monday 0), [start, end) local wall time, an exact price per kWh. */
export type Rate = Schemas["Rate"];

/** A price schedule; device_id null: the default for every device without its own. */
export type Tariff = Schemas["Tariff"];

/** What the tariff form sends on create and on edit. */
export type TariffInput = Schemas["TariffWriteRequest"];

export type TariffList = Schemas["PaginatedTariffList"];
