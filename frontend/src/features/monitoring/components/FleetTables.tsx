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

/** A column after "Device": its header and the row's cell. */
interface FleetColumn<Row> {
  header: ReactNode;
  className: string;
  cell: (row: Row) => ReactNode;
  /** Data attributes on the cell (the exact number behind a formatted one). */
  data?: (row: Row) => Record<`data-${string}`, string>;
}

interface TableProps<Row> {
  title: string;
  testId: string;
  rows: Row[];
  empty: string;
  /** The rows' day: each device's link opens its dashboard on it. */
  date: string;
  columns: FleetColumn<Row>[];
}

/** One list of devices as a card: a table with a link per device, the first rows, then "Show all". */
export function FleetTable<Row extends { device_id: string; name: string }>({
  title,
  testId,
  rows,
  empty,
  date,
  columns,
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
                {columns.map((column, index) => (
                  <th key={index} scope="col" className={column.className}>
                    {column.header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.map((item) => (
                <tr key={item.device_id} data-device-name={item.name}>
                  <td>
                    <DeviceLink id={item.device_id} name={item.name} date={date} />
                  </td>
                  {columns.map((column, index) => (
                    <td key={index} className={column.className} {...column.data?.(item)}>
                      {column.cell(item)}
                    </td>
                  ))}
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
  return (
    <div className="fleet-lists">
      <FleetTable
        title="Top consumers"
        testId="fleet-top"
        rows={data.top}
        empty="No readings that day."
        date={data.date}
        columns={[
          { header: <span className="unit">kWh</span>, className: "num", cell: (row) => kwhNumber(row.kwh) },
          {
            header: "Cost",
            className: "num",
            cell: (row) => formatMoney(row.cost, row.cost === null ? null : data.currency),
            data: (row) => ({ "data-cost": row.cost ?? "" }),
          },
        ]}
      />
      <FleetTable
        title="Over their maximum"
        testId="fleet-over-max"
        rows={data.over_max}
        empty="None: every device stayed within its maximum."
        date={data.date}
        columns={[{ header: "Hours over", className: "num", cell: (row) => row.hours_over }]}
      />
      <FleetTable
        title="Silent meters"
        testId="fleet-silent"
        rows={data.silent}
        empty="None: every meter is reporting."
        date={data.date}
        columns={[
          {
            header: "Last reading",
            className: "fleet-when",
            cell: (row) =>
              row.last_reading_at ? formatInstant(row.last_reading_at, tz) : <span className="muted">never</span>,
          },
        ]}
      />
    </div>
  );
}
