import { Link } from "react-router";
import { ErrorMessage } from "../../../components/ErrorMessage";
import { ListPage } from "../../../components/ListPage";
import { showToast } from "../../../components/Toast";
import { useListPage } from "../../../components/use-list-page";
import { UserPicker } from "../../../components/UserPicker";
import { alertDashboardPath, alertHour } from "../alert-text";
import { useAlerts } from "../api/list-alerts";
import { useMarkAlertRead } from "../api/mark-alert-read";
import { useMarkAllAlertsRead } from "../api/mark-all-alerts-read";
import type { Alert } from "../api/types";
import { useIsAdmin } from "../use-is-admin";
import { DevicePicker } from "../../../components/DevicePicker";

const FILTERS = ["unread", "device_id", "owner_id"] as const;

/**
 * The caller's alerts (an admin's: the fleet's, with the owners), searchable, sortable and
 * filtered by device and owner. Read or unread is the caller's own: an admin marking an alert
 * read leaves it unread for its owner.
 */
export function AlertsPage() {
  const admin = useIsAdmin();
  const list = useListPage<Alert, (typeof FILTERS)[number]>({ defaultOrdering: "-created_at", filters: FILTERS });
  const alerts = useAlerts(list.query);
  const markRead = useMarkAlertRead();
  const markAll = useMarkAllAlertsRead();
  const { unread, device_id: deviceId, owner_id: ownerId } = list.filters;
  const filtered = Boolean(unread || deviceId || ownerId || list.search);

  return (
    <ListPage
      title="Alerts"
      state={list}
      query={alerts}
      headActions={
        <button
          type="button"
          disabled={markAll.isPending}
          onClick={() =>
            markAll.mutate(undefined, {
              onSuccess: (result) =>
                showToast(`Marked ${result.updated} alert${result.updated === 1 ? "" : "s"} read.`),
            })
          }
        >
          Mark all read
        </button>
      }
      search={admin ? { id: "alert-search", placeholder: "device or owner" } : undefined}
      filters={
        <>
          <DevicePicker
            id="alert-device"
            value={deviceId || null}
            onChange={(device) => list.setFilter("device_id", device?.id ?? null)}
            clearLabel="All devices"
          />
          {admin && (
            <UserPicker
              id="alert-owner"
              label="Owner"
              value={ownerId || null}
              onChange={(user) => list.setFilter("owner_id", user?.id ?? null)}
              clearLabel="All owners"
            />
          )}
          <label className="checkbox">
            <input
              type="checkbox"
              checked={unread === "true"}
              onChange={(e) => list.setFilter("unread", e.target.checked ? "true" : null)}
            />{" "}
            Unread only
          </label>
        </>
      }
      notice={
        <>
          {markRead.error && <ErrorMessage error={markRead.error} title="Could not mark read" />}
          {markAll.error && <ErrorMessage error={markAll.error} title="Could not mark all read" />}
        </>
      }
      tableTestId="alerts-table"
      columns={[
        {
          header: "Device",
          sort: "device_name",
          cell: (alert) => alert.device_name,
          truncate: (alert) => alert.device_name,
        },
        ...(admin
          ? [
              {
                header: "Owner",
                cell: (alert: Alert) => alert.owner_username ?? <span className="muted">unassigned</span>,
                truncate: (alert: Alert) => alert.owner_username ?? "unassigned",
              },
            ]
          : []),
        {
          header: "Hour",
          sort: "hour_start",
          cell: (alert) => <Link to={alertDashboardPath(alert)}>{alertHour(alert)}</Link>,
        },
        {
          header: <span className="unit">kWh</span>,
          sort: "kwh",
          className: "num",
          cell: (alert) => alert.kwh.toFixed(2),
        },
        {
          header: (
            <>
              Max <span className="unit">kWh</span>
            </>
          ),
          className: "num",
          cell: (alert) => alert.max_kwh,
        },
      ]}
      noun="alert"
      name={(alert) => `${alert.device_name} ${alertHour(alert)}`}
      rowData={(alert) => ({ "data-alert-id": alert.id })}
      rowClassName={(alert) => (alert.read_at ? undefined : "unread")}
      actions={(alert) =>
        alert.read_at ? (
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
        )
      }
      emptyText={
        unread
          ? "No unread alerts."
          : filtered
            ? "No alerts match."
            : "No alerts yet: no device has gone over its maximum."
      }
    />
  );
}
