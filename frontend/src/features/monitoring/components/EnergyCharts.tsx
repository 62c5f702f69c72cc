import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { ChartRow } from "../summary";

// Loaded lazily (React.lazy in EnergyPage): Recharts is most of the app's JavaScript.

const BAR = "#0f766e";
const OVER = "#dc2626";
const kwhTick = (value: number) => value.toFixed(2);
const tooltipValue = (value: unknown) => [`${Number(value).toFixed(3)} kWh`, "Consumption"] as [string, string];

interface Props {
  rows: ChartRow[];
  maxKwh: number | null;
}

export default function EnergyCharts({ rows, maxKwh }: Props) {
  return (
    <div className="charts">
      <figure className="card chart" data-testid="energy-bar-chart" aria-label="Consumption per hour, bar chart">
        <figcaption>
          kWh per hour
          {rows.some((row) => row.overMax) && (
            <span className="over-note" data-testid="over-max-note">
              {" "}
              · red: over the device's maximum of {maxKwh} kWh
            </span>
          )}
        </figcaption>
        <ResponsiveContainer width="100%" height={300}>
          <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" interval="preserveStartEnd" minTickGap={8} />
            <YAxis tickFormatter={kwhTick} width={56} unit="" />
            <Tooltip formatter={tooltipValue} />
            <Legend />
            {maxKwh !== null && (
              <ReferenceLine
                y={maxKwh}
                ifOverflow="extendDomain"
                stroke={OVER}
                strokeDasharray="6 3"
                label={{ value: `max ${maxKwh} kWh`, position: "insideTopRight", fill: OVER }}
              />
            )}
            <Bar dataKey="kwh" name="kWh" fill={BAR} isAnimationActive={false}>
              {rows.map((row) => (
                <Cell key={row.key} fill={row.overMax ? OVER : BAR} data-over-max={row.overMax ? "true" : undefined} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <figure className="card chart" data-testid="energy-line-chart" aria-label="Consumption per hour, line chart">
        <figcaption>Through the day</figcaption>
        <ResponsiveContainer width="100%" height={240}>
          <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" interval="preserveStartEnd" minTickGap={8} />
            <YAxis tickFormatter={kwhTick} width={56} />
            <Tooltip formatter={tooltipValue} />
            <Legend />
            <Line
              type="monotone"
              dataKey="kwh"
              name="kWh"
              stroke="#2563eb"
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}
