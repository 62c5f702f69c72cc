import { useState, type ReactNode } from "react";
import { Link } from "react-router";
import type { FleetOverview } from "../api/types";
import { formatInstant, formatMoney, kwhNumber } from "../format";
import { TableBox } from "../../../components/TableBox";

/** Rows shown before "Show all": a thousand silent meters would bury the rest of the page. */
export const FIRST_ROWS = 10;

/** A device's name, linking to its dashboard on that day; a long name ends in "…" (full in the tooltip). */
export function DeviceLink({ id, name, date }: { id: string; name: string; date: string }) {
  const to = `/energy?${new URLSearchParams({ device: id, date })}`;
  return (
    <Link to={to} className="fleet-device truncate" title={name}>
      {name}
    </Link>
  );
}

interface TableProps<Row> {
  title: string;
  testId: string;
  rows: Row[];
  empty: string;
  /** The header cells after "Device". */
  columns: ReactNode;
  row: (row: Row) => ReactNode;
}

/** One list of devices as a card: a table with a link per device, the first rows, then "Show all". */
export function FleetTable<Row extends { device_id: string; name: string }>({
  title,
  testId,
  rows,
  empty,
  columns,
  row,
}: TableProps<Row>) {
  const [all, setAll] = useState(false);
  const shown = all ? rows : rows.slice(0, FIRST_ROWS);
  return (
    <div className="card fleet-card">
      <h2>
        {title} <span className="muted fleet-count">({rows.length})</span>
      </h2>
      {rows.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <TableBox label={title}>
          <table className="fleet-table" data-testid={testId}>
            <thead>
              <tr>
                <th scope="col">Device</th>
                {columns}
              </tr>
            </thead>
            <tbody>
              {shown.map((item) => (
                <tr key={item.device_id} data-device-name={item.name}>
                  {row(item)}
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
      {rows.length > FIRST_ROWS && (
        <button type="button" className="secondary fleet-more" onClick={() => setAll(!all)}>
          {all ? `Show the first ${FIRST_ROWS}` : `Show all ${rows.length}`}
        </button>
      )}
    </div>
  );
}

/** The day's top consumers, over-maximum devices and silent meters, each row linking to the device. */
export function FleetLists({ data, tz }: { data: FleetOverview; tz: string }) {
  const link = (row: { device_id: string; name: string }) => (
    <td>
      <DeviceLink id={row.device_id} name={row.name} date={data.date} />
    </td>
  );
  return (
    <div className="fleet-lists">
      <FleetTable
        title="Top consumers"
        testId="fleet-top"
        rows={data.top}
        empty="No readings that day."
        columns={
          <>
            <th scope="col" className="num">
              <span className="unit">kWh</span>
            </th>
            <th scope="col" className="num">
              Cost
            </th>
          </>
        }
        row={(row) => (
          <>
            {link(row)}
            <td className="num">{kwhNumber(row.kwh)}</td>
            <td className="num" data-cost={row.cost ?? ""}>
              {formatMoney(row.cost, row.cost === null ? null : data.currency)}
            </td>
          </>
        )}
      />
      <FleetTable
        title="Over their maximum"
        testId="fleet-over-max"
        rows={data.over_max}
        empty="None: every device stayed within its maximum."
        columns={
          <th scope="col" className="num">
            Hours over
          </th>
        }
        row={(row) => (
          <>
            {link(row)}
            <td className="num">{row.hours_over}</td>
          </>
        )}
      />
      <FleetTable
        title="Silent meters"
        testId="fleet-silent"
        rows={data.silent}
        empty="None: every meter is reporting."
        columns={
          <th scope="col" className="fleet-when">
            Last reading
          </th>
        }
        row={(row) => (
          <>
            {link(row)}
            <td className="fleet-when">
              {row.last_reading_at ? formatInstant(row.last_reading_at, tz) : <span className="muted">never</span>}
            </td>
          </>
        )}
      />
    </div>
  );
}
