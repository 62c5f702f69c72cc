import type { PeriodSummary } from "../buckets";
import { formatChange, formatInstant, formatKwh, formatMoney } from "../format";
import { BUCKET_NAME, PREVIOUS_NAME, type Period } from "../period";

interface Props {
  summary: PeriodSummary;
  period: Period;
  tz: string;
}

interface ChangeProps {
  label: string;
  before: number;
  text: string;
  testId: string;
  /** false: the other period has no reading, so there is nothing to compare with. */
  comparable?: boolean;
}

function ChangeCard({ label, before, text, testId, comparable = true }: ChangeProps) {
  return (
    <div className="card stat">
      <span className="stat-label">{label}</span>
      <span className="stat-value" data-testid={testId}>
        {comparable ? text : "—"}
      </span>
      <span className="stat-note muted" data-testid={`${testId}-total`}>
        {comparable ? `then ${formatKwh(before)}` : "no readings then"}
      </span>
    </div>
  );
}

/** The period's cost beside its comparisons; "no tariff" for a cost that cannot be priced, 0 as 0. */
export function CostCard({ summary, period }: { summary: PeriodSummary; period: Period }) {
  const { currency } = summary;
  const priced = summary.totalCost !== null && currency !== null;
  return (
    <div className="card stat" data-testid="cost-card">
      <span className="stat-label">Cost{summary.partial && " so far"}</span>
      <span
        className={priced ? "stat-value" : "stat-value muted"}
        data-testid="summary-cost"
        data-cost={summary.totalCost ?? ""}
      >
        {formatMoney(summary.totalCost, currency)}
      </span>
      <span className="stat-note muted" data-testid="cost-before">
        {capitalized(PREVIOUS_NAME[period])}: {formatMoney(summary.previousCost, currency)}
        {" · "}a year earlier: {formatMoney(summary.lastYearCost, currency)}
      </span>
    </div>
  );
}

function capitalized(text: string): string {
  return text[0].toUpperCase() + text.slice(1);
}

/** The month's projection in words, with how it is reckoned in its tooltip; nothing without one. */
export function ProjectionNote({ summary, period }: { summary: PeriodSummary; period: Period }) {
  const projection = summary.projection;
  if (!projection) return null;
  const cost =
    projection.total_cost !== null && summary.currency !== null
      ? ` and ${formatMoney(projection.total_cost, summary.currency)}`
      : "";
  const hours = Math.round(projection.basis_hours * 10) / 10;
  const explanation =
    `This ${period}'s total so far × the ${period}'s length ÷ the time from its start to the last reading ` +
    `(${hours} hours)${cost ? "; the cost likewise" : ""}.`;
  return (
    <div className="card projection" data-testid="projection" title={explanation}>
      <p>
        At this pace, about <strong>{formatKwh(projection.total_kwh)}</strong>
        {cost && (
          <>
            {" "}
            and <strong>{formatMoney(projection.total_cost, summary.currency)}</strong>
          </>
        )}{" "}
        by the end of the {period}.
      </p>
      {/* A tap opens it too (a phone has no hover for the title). */}
      <details className="projection-how">
        <summary>How is this reckoned?</summary>
        {explanation}
      </details>
    </div>
  );
}

export function SummaryCards({ summary, period, tz }: Props) {
  const bucket = BUCKET_NAME[period];
  return (
    <div className="summary-cards energy-cards">
      <div className="card stat">
        <span className="stat-label">Total{summary.partial && " so far"}</span>
        <span className="stat-value" data-testid="summary-total">
          {formatKwh(summary.totalKwh)}
        </span>
        {summary.partial && (
          <span className="stat-note muted" data-testid="last-reading">
            {summary.lastReadingAt ? `Last reading ${formatInstant(summary.lastReadingAt, tz)}` : "No reading yet"}
          </span>
        )}
      </div>
      <ChangeCard
        label={`Against ${PREVIOUS_NAME[period]}${summary.previousSoFar ? " to the same point" : ""}`}
        before={summary.previousKwh}
        text={formatChange(summary.vsPrevious)}
        testId="change-previous"
        comparable={summary.previousHasData}
      />
      <ChangeCard
        label={`Against a year earlier${summary.partial ? ` (the whole ${period})` : ""}`}
        before={summary.lastYearKwh}
        text={formatChange(summary.vsLastYear)}
        testId="change-last-year"
      />
      <CostCard summary={summary} period={period} />
      <div className="card stat">
        <span className="stat-label">Peak {bucket}</span>
        <span className="stat-value" data-testid="summary-peak">
          {summary.peak ? `${summary.peak.range} · ${formatKwh(summary.peak.kwh ?? 0)}` : "—"}
        </span>
      </div>
      <div className="card stat">
        <span className="stat-label">Average per {bucket}</span>
        <span className="stat-value" data-testid="summary-average">
          {summary.averageKwh === null ? "—" : formatKwh(summary.averageKwh)}
        </span>
        {summary.gaps > 0 && (
          <span className="stat-note muted" data-testid="gap-note">
            {summary.gaps} {summary.gaps === 1 ? `${bucket} has` : `${bucket}s have`} missing readings
          </span>
        )}
      </div>
    </div>
  );
}
