import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { readingsText, type ChartRow } from "../buckets";
import { axisNumber, formatKwh, formatMoney, kwhNumber } from "../format";
import type { Bucket } from "../period";

// Loaded on its own (EnergyPage imports it when it mounts): Recharts is most of the app's JavaScript.

// The colours are the theme's (src/styles.css): SVG presentation attributes resolve var(), so
// the bars follow light and dark mode without a re-render.
const BAR = "var(--chart-bar)";
const OVER = "var(--chart-over)";
const BEFORE = "var(--chart-previous)";
const PARTIAL = "url(#ems-partial-hatch)";
const MISSING = "url(#ems-missing-hatch)";
const RESET = "var(--chart-reset)";

/**
 * Every n-th label, the same step all along the axis (never a forced last one): on a phone,
 * hours every 6 (00:00, 06:00…), a month's days every 3, a week's every 2, months every 2.
 */
function tickStep(bucket: Bucket, count: number, compact: boolean): number {
  if (bucket === "hour") return compact ? 6 : 3;
  if (!compact) return 1;
  return bucket === "day" && count > 7 ? 3 : 2;
}

interface Props {
  rows: ChartRow[];
  bucket: Bucket;
  /** "This week", "The week before": the two series' names. */
  names: { current: string; previous: string };
  maxKwh: number | null;
  compact?: boolean;
  /** The labels of the bars that hold a meter reset (admin): a dotted line through each. */
  resetLabels?: string[];
}

interface TooltipProps {
  active?: boolean;
  payload?: unknown[];
  names: Props["names"];
  /** The labels of the bars with a meter reset. */
  resets: Set<string>;
}

function BucketTooltip({ active, payload, names, resets }: TooltipProps) {
  const first = payload?.[0] as { payload?: ChartRow } | undefined;
  const row = first?.payload;
  if (!active || !row) return null;
  const readings = readingsText(row);
  return (
    <div className="chart-tooltip" data-testid="chart-tooltip">
      <strong>{row.range}</strong>
      <div>
        {row.kwh === null ? (row.status === "future" ? "not yet" : "no data") : formatKwh(row.kwh)}
        {row.kwh !== null && <span className="tooltip-cost"> · {formatMoney(row.cost, row.currency)}</span>}
      </div>
      {readings && row.status !== "future" && <div className="tooltip-gap">{readings}</div>}
      {row.overMax && <div className="tooltip-over">over the device's maximum</div>}
      {resets.has(row.label) && <div className="tooltip-reset">a meter reset: a new baseline</div>}
      {row.previousRange && (
        <div className="muted">
          {names.previous}: {row.previousKwh === null ? "no data" : formatKwh(row.previousKwh)}
          {row.previousKwh !== null && row.previousCost !== null && ` · ${formatMoney(row.previousCost, row.currency)}`}
          {row.previousRange !== row.range && ` (${row.previousRange})`}
        </div>
      )}
    </div>
  );
}

function legendText(value: string) {
  return <span className="chart-legend-text">{value}</span>;
}

function fillFor(row: ChartRow): string {
  if (row.overMax) return OVER;
  return row.status === "partial" ? PARTIAL : BAR;
}

export default function EnergyCharts({ rows, bucket, names, maxKwh, compact = false, resetLabels = [] }: Props) {
  const step = tickStep(bucket, rows.length, compact);
  const hasPrevious = rows.some((row) => row.previousKwh !== null);
  const showMax = bucket === "hour" && maxKwh !== null;
  const hasGaps = rows.some((row) => row.status === "partial" || row.status === "missing");
  return (
    <figure
      className="card chart"
      data-testid="energy-bar-chart"
      aria-label={`Consumption per ${bucket}, bar chart, beside ${names.previous.toLowerCase()}`}
    >
      {/* The hatches the bars refer to (an SVG of its own: patterns work across the document). */}
      <svg width="0" height="0" className="svg-defs" aria-hidden="true" focusable="false">
        <defs>
          <pattern
            id="ems-partial-hatch"
            width="6"
            height="6"
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <rect width="6" height="6" fill="var(--chart-partial)" />
            <line x1="0" y1="0" x2="0" y2="6" stroke={BAR} strokeWidth="3" />
          </pattern>
          <pattern
            id="ems-missing-hatch"
            width="8"
            height="8"
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <line x1="0" y1="0" x2="0" y2="8" stroke="var(--chart-missing)" strokeWidth="1.5" />
          </pattern>
        </defs>
      </svg>
      <figcaption>
        kWh per {bucket}
        <span className="chart-key muted">
          {hasGaps && " · hatched: some readings missing · grey stripes: no data"}
          {showMax && (
            <span className="over-note" data-testid="max-note">
              {" "}
              · dashed red line: the device's maximum, {kwhNumber(maxKwh)} kWh
            </span>
          )}
          {resetLabels.length > 0 && (
            <span className="reset-note" data-testid="reset-note">
              {" "}
              · dotted line: a meter reset (below)
            </span>
          )}
        </span>
      </figcaption>
      <ResponsiveContainer width="100%" height={compact ? 260 : 320}>
        <BarChart data={rows} margin={{ top: 12, right: 12, bottom: 4, left: 0 }} barGap={1} barCategoryGap="18%">
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="var(--chart-grid)" />
          <XAxis dataKey="label" interval={step - 1} tickLine={false} fontSize={12} stroke="var(--chart-axis)" />
          <YAxis tickFormatter={axisNumber} width={44} fontSize={12} stroke="var(--chart-axis)" />
          <Tooltip
            content={<BucketTooltip names={names} resets={new Set(resetLabels)} />}
            cursor={{ fill: "var(--chart-cursor)" }}
          />
          {/* Legend text in the page's colour: Recharts colours it like its series, and the lighter
              "before" grey is below AA on a white card. */}
          <Legend verticalAlign="top" height={28} formatter={legendText} />
          {rows
            .filter((row) => row.status === "missing")
            .map((row) => (
              <ReferenceArea
                key={`gap-${row.key}`}
                x1={row.label}
                x2={row.label}
                fill={MISSING}
                fillOpacity={1}
                stroke="none"
                className="gap-area"
                ifOverflow="visible"
              />
            ))}
          {resetLabels.map((label) => (
            <ReferenceLine
              key={`reset-${label}`}
              x={label}
              stroke={RESET}
              strokeWidth={2}
              strokeDasharray="2 3"
              className="reset-line"
              ifOverflow="visible"
            />
          ))}
          {showMax && <ReferenceLine y={maxKwh} ifOverflow="extendDomain" stroke={OVER} strokeDasharray="6 3" />}
          {/* Always there, so it stays left of this period's bars when its figures arrive later. */}
          <Bar
            dataKey="previousKwh"
            name={names.previous}
            fill={BEFORE}
            className="bars-previous"
            legendType={hasPrevious ? "square" : "none"}
            isAnimationActive={false}
          />
          <Bar dataKey="kwh" name={names.current} fill={BAR} className="bars-current" isAnimationActive={false}>
            {rows.map((row) => (
              <Cell
                key={row.key}
                fill={fillFor(row)}
                data-status={row.status}
                data-over-max={row.overMax ? "true" : undefined}
              />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
