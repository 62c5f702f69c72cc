import type { ChartRow } from "../summary";

/** The chart's numbers as a table: for screen readers, and for anyone who wants the figures. */
export function HoursTable({ rows }: { rows: ChartRow[] }) {
  return (
    <details className="card hours-table">
      <summary>Hour by hour (table)</summary>
      <div className="table-wrap">
        <table data-testid="energy-table">
          <thead>
            <tr>
              <th scope="col">Hour</th>
              <th scope="col" className="num">
                kWh
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key} className={row.overMax ? "over-max" : undefined}>
                <th scope="row">{row.label}</th>
                <td className="num" data-kwh={row.kwh}>
                  {row.kwh.toFixed(3)}
                  {row.overMax && <span className="sr-only"> (over the device's maximum)</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
