import type { DaySummary } from "../summary";

export function SummaryCards({ summary }: { summary: DaySummary }) {
  return (
    <div className="summary-cards">
      <div className="card stat">
        <span className="stat-label">Total</span>
        <span className="stat-value" data-testid="summary-total">
          {summary.total} kWh
        </span>
      </div>
      <div className="card stat">
        <span className="stat-label">Peak hour</span>
        <span className="stat-value" data-testid="summary-peak">
          {summary.peak ? `${summary.peak.label} · ${summary.peak.kwh} kWh` : "—"}
        </span>
      </div>
      <div className="card stat">
        <span className="stat-label">Average per hour</span>
        <span className="stat-value" data-testid="summary-average">
          {summary.average} kWh
        </span>
      </div>
    </div>
  );
}
