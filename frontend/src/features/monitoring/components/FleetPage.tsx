import { useMemo, useState } from "react";
import { ErrorMessage } from "../../../components/ErrorMessage";
import { Loading } from "../../../components/Loading";
import { browserTimeZone, isIsoDate, longDay, todayIso } from "../../../lib/time";
import { useFleet } from "../api/get-fleet";
import { formatInstant, formatKwh, formatMoney, kwhNumber } from "../format";
import { ExportButton } from "./ExportButton";

/** The admin's day of the whole fleet: total kWh and cost, the top 10, over maximum, silent. */
export function FleetPage() {
  const tz = useMemo(() => browserTimeZone(), []);
  const today = todayIso();
  const [date, setDate] = useState(today);
  const valid = isIsoDate(date) && date <= today;
  const fleet = useFleet(valid ? date : "", tz);
  const data = fleet.data;

  return (
    <section>
      <div className="page-head">
        <h1>Fleet</h1>
        <span className="muted">Time zone: {tz}</span>
      </div>
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
          <div className="summary-cards">
            <div className="card stat">
              <span className="stat-label">Total</span>
              <span className="stat-value" data-testid="fleet-total">
                {formatKwh(data.total_kwh)}
              </span>
              <span className="stat-note muted">
                {data.devices} {data.devices === 1 ? "device" : "devices"}
              </span>
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
          </div>
          <div className="fleet-lists">
            <div className="card">
              <h2>Top consumers</h2>
              <div className="table-wrap">
                <table data-testid="fleet-top">
                  <thead>
                    <tr>
                      <th scope="col">Device</th>
                      <th scope="col" className="num">
                        <span className="unit">kWh</span>
                      </th>
                      <th scope="col" className="num">
                        Cost
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.top.map((row) => (
                      <tr key={row.device_id} data-device-name={row.name}>
                        <td>{row.name}</td>
                        <td className="num">{kwhNumber(row.kwh)}</td>
                        <td className="num" data-cost={row.cost ?? ""}>
                          {formatMoney(row.cost, row.cost === null ? null : data.currency)}
                        </td>
                      </tr>
                    ))}
                    {data.top.length === 0 && (
                      <tr>
                        <td colSpan={3} className="muted">
                          No readings that day.
                        </td>
                      </tr>
                    )}
                  </tbody>
                </table>
              </div>
            </div>
            <div className="card">
              <h2>Over their maximum</h2>
              {data.over_max.length === 0 ? (
                <p className="muted">None.</p>
              ) : (
                <ul data-testid="fleet-over-max">
                  {data.over_max.map((row) => (
                    <li key={row.device_id}>
                      {row.name}: {row.hours_over} {row.hours_over === 1 ? "hour" : "hours"} over
                    </li>
                  ))}
                </ul>
              )}
            </div>
            <div className="card">
              <h2>Silent</h2>
              {data.silent.length === 0 ? (
                <p className="muted">None.</p>
              ) : (
                <ul data-testid="fleet-silent">
                  {data.silent.map((row) => (
                    <li key={row.device_id}>
                      {row.name}:{" "}
                      {row.last_reading_at
                        ? `last reading ${formatInstant(row.last_reading_at, tz)}`
                        : "never sent one"}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
