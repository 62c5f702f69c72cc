import { useMemo, useState } from "react";
import { ErrorMessage } from "../../../components/ErrorMessage";
import { Loading } from "../../../components/Loading";
import { browserTimeZone, isIsoDate, longDay, todayIso } from "../../../lib/time";
import { useFleet } from "../api/get-fleet";
import type { FleetOverview } from "../api/types";
import { formatKwh, formatMoney } from "../format";
import { ExportButton } from "./ExportButton";
import { FleetLists } from "./FleetTables";
import { ZonePageHead } from "./ZonePageHead";
import "./fleet.css";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The day in four numbers: total kWh, cost, how many devices went over their maximum, how many are silent. */
function FleetCards({ data, isToday }: { data: FleetOverview; isToday: boolean }) {
  return (
    <div className="summary-cards">
      <div className="card stat">
        <span className="stat-label">Total {isToday ? "today" : "that day"}</span>
        <span className="stat-value" data-testid="fleet-total">
          {formatKwh(data.total_kwh)}
        </span>
        <span className="stat-note muted">{plural(data.devices, "device", "devices")}</span>
      </div>
      <div className="card stat">
        <span className="stat-label">Cost</span>
        <span className="stat-value" data-testid="fleet-cost" data-cost={data.total_cost ?? ""}>
          {formatMoney(data.total_cost, data.currency)}
        </span>
        {data.total_cost === null && (
          <span className="stat-note muted">some energy has no tariff, or the tariffs differ in currency</span>
        )}
      </div>
      <div className="card stat">
        <span className="stat-label">Over their maximum</span>
        <span className="stat-value" data-testid="fleet-over-max-count">
          {data.over_max.length}
        </span>
        <span className="stat-note muted">
          {data.over_max.length === 0
            ? "no device went over"
            : `${plural(data.over_max.length, "device", "devices")} in at least one hour`}
        </span>
      </div>
      <div className="card stat">
        <span className="stat-label">Silent meters</span>
        <span className="stat-value" data-testid="fleet-silent-count">
          {data.silent.length}
        </span>
        <span className="stat-note muted">no reading for 3 of their intervals</span>
      </div>
    </div>
  );
}

/**
 * The admin's landing page: the whole fleet's day (today unless another day is picked) as
 * cards, then the top 10, the devices over their maximum and the silent meters, each row
 * linking to that device's dashboard on that day.
 */
export function FleetPage() {
  const tz = useMemo(() => browserTimeZone(), []);
  const today = todayIso();
  const [date, setDate] = useState(today);
  const valid = isIsoDate(date) && date <= today;
  const fleet = useFleet(valid ? date : "", tz);
  const data = fleet.data;

  return (
    <section>
      <ZonePageHead title="Fleet" tz={tz} />
      <div className="toolbar">
        <div className="field">
          <label htmlFor="fleet-date">Day</label>
          <input
            id="fleet-date"
            type="date"
            value={date}
            max={today}
            onChange={(e) => setDate(e.target.value || today)}
          />
        </div>
        {valid && (
          <ExportButton
            what={`every device's hours on ${longDay(date)}`}
            request={{ start: date, end: date, bucket: "hour", tz }}
          />
        )}
      </div>
      {fleet.isPending && valid && <Loading label="Loading the fleet…" />}
      {fleet.isError && <ErrorMessage error={fleet.error} />}
      {data && (
        <div aria-busy={fleet.isFetching} data-testid="fleet" data-date={data.date}>
          <h2 className="day-title">{longDay(data.date)}</h2>
          <FleetCards data={data} isToday={data.date === today} />
          <FleetLists data={data} tz={tz} />
        </div>
      )}
    </section>
  );
}
