import type { PeriodSummary } from "../buckets";
import { formatChange, formatInstant, formatKwh } from "../format";
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

export function SummaryCards({ summary, period, tz }: Props) {
  const bucket = BUCKET_NAME[period];
  return (
    <div className="summary-cards">
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
