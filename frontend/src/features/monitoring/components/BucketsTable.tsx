import { readingsText, type ChartRow } from "../buckets";
import { formatMoney, kwhNumber } from "../format";
import { BUCKET_NAME, type Period } from "../period";
import { TableBox } from "../../../components/TableBox";

/** The chart's numbers as a table: for screen readers, and for anyone who wants the figures. */
export function BucketsTable({ rows, period }: { rows: ChartRow[]; period: Period }) {
  const bucket = BUCKET_NAME[period];
  return (
    <details className="card hours-table">
      <summary>
        {bucket[0].toUpperCase() + bucket.slice(1)} by {bucket} (table)
      </summary>
      <TableBox label={`Consumption, ${bucket} by ${bucket}`}>
        <table data-testid="energy-table">
          <thead>
            <tr>
              <th scope="col">{bucket[0].toUpperCase() + bucket.slice(1)}</th>
              <th scope="col" className="num">
                <span className="unit">kWh</span>
              </th>
              <th scope="col" className="num">
                Before (<span className="unit">kWh</span>)
              </th>
              <th scope="col" className="num">
                Cost
              </th>
              <th scope="col">Readings</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr
                key={row.key}
                className={row.overMax ? "over-max" : row.status === "ok" ? undefined : `gap-${row.status}`}
                data-status={row.status}
              >
                <th scope="row">{row.range}</th>
                <td className="num" data-kwh={row.kwh ?? ""}>
                  {row.kwh === null ? "—" : kwhNumber(row.kwh)}
                  {row.overMax && <span className="sr-only"> (over the device's maximum)</span>}
                </td>
                <td className="num">{row.previousKwh === null ? "—" : kwhNumber(row.previousKwh)}</td>
                <td className="num" data-testid="bucket-cost" data-cost={row.cost ?? ""}>
                  {row.kwh === null ? "—" : formatMoney(row.cost, row.currency)}
                </td>
                <td data-readings={row.readings} data-expected={row.expected}>
                  {readingsText(row) || `${row.readings} of ${row.expected}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
    </details>
  );
}
