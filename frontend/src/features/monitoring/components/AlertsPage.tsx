import { useState } from "react";
import { Link } from "react-router";
import { ErrorMessage } from "../../../components/ErrorMessage";
import { Loading } from "../../../components/Loading";
import { Pagination } from "../../../components/Pagination";
import { alertDashboardPath, alertHour } from "../alert-text";
import { useAlerts } from "../api/list-alerts";
import { useMarkAlertRead } from "../api/mark-alert-read";
import { useMarkAllAlertsRead } from "../api/mark-all-alerts-read";

const PAGE_SIZE = 50;

export function AlertsPage() {
  const [page, setPage] = useState(1);
  const [unread, setUnread] = useState(false);
  const alerts = useAlerts({ page, unread });
  const markRead = useMarkAlertRead();
  const markAll = useMarkAllAlertsRead();

  return (
    <section>
      <div className="page-head">
        <h1>Alerts</h1>
        <button type="button" onClick={() => markAll.mutate()} disabled={markAll.isPending}>
          Mark all read
        </button>
      </div>
      <div className="toolbar">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={unread}
            onChange={(e) => {
              setUnread(e.target.checked);
              setPage(1);
            }}
          />{" "}
          Unread only
        </label>
      </div>
      {markRead.error && <ErrorMessage error={markRead.error} title="Could not mark read" />}
      {markAll.error && <ErrorMessage error={markAll.error} title="Could not mark all read" />}
      {alerts.isPending && <Loading />}
      {alerts.isError && <ErrorMessage error={alerts.error} />}
      {alerts.data && (
        <>
          <div className="table-wrap">
            <table data-testid="alerts-table">
              <thead>
                <tr>
                  <th scope="col">Device</th>
                  <th scope="col">Hour</th>
                  <th scope="col" className="num">
                    kWh
                  </th>
                  <th scope="col" className="num">
                    Max
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {alerts.data.results.map((alert) => (
                  <tr key={alert.id} className={alert.read_at ? undefined : "unread"} data-alert-id={alert.id}>
                    <td>{alert.device_name}</td>
                    <td>
                      <Link to={alertDashboardPath(alert)}>{alertHour(alert)}</Link>
                    </td>
                    <td className="num">{alert.kwh.toFixed(2)}</td>
                    <td className="num">{alert.max_kwh}</td>
                    <td>
                      {alert.read_at ? (
                        <span className="muted">read</span>
                      ) : (
                        <button
                          type="button"
                          className="secondary"
                          aria-label={`Mark read: ${alert.device_name}, ${alertHour(alert)}`}
                          onClick={() => markRead.mutate(alert.id)}
                        >
                          Mark read
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
                {alerts.data.results.length === 0 && (
                  <tr>
                    <td colSpan={5} className="muted" data-testid="no-alerts">
                      {unread ? "No unread alerts." : "No alerts yet: no device has gone over its maximum."}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          <Pagination page={page} count={alerts.data.count} pageSize={PAGE_SIZE} onPage={setPage} />
        </>
      )}
    </section>
  );
}
