import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { refreshAccessToken } from "../../../lib/api-client";
import { authStore } from "../../../lib/auth-store";
import { alertDashboardPath, alertSummary } from "../alert-text";
import { alertSocketUrl, connectAlertSocket } from "../alerts-socket";
import { CONSUMPTION_KEY } from "../api/get-consumption";
import { ALERTS_KEY } from "../api/list-alerts";
import type { Alert } from "../api/types";

const TOAST_MS = 12_000;
const MAX_TOASTS = 4;

/**
 * The signed-in user's live alerts: a WebSocket for as long as this is mounted, a toast per
 * alert, and fresh unread counts, alert lists and charts when one arrives.
 */
export function LiveAlerts({ userId }: { userId: string }) {
  const queryClient = useQueryClient();
  const [toasts, setToasts] = useState<Alert[]>([]);

  useEffect(() => {
    const stop = connectAlertSocket({
      url: () => alertSocketUrl(authStore.accessToken()),
      refreshToken: refreshAccessToken,
      onAlert: (alert) => {
        setToasts((current) => [alert, ...current.filter((t) => t.id !== alert.id)].slice(0, MAX_TOASTS));
        void queryClient.invalidateQueries({ queryKey: ALERTS_KEY });
        // The hour just went over: the dashboard refetches and draws it highlighted.
        void queryClient.invalidateQueries({ queryKey: CONSUMPTION_KEY });
        setTimeout(() => setToasts((current) => current.filter((t) => t.id !== alert.id)), TOAST_MS);
      },
      // Alerts raised while the socket was away are stored but were never pushed: refetch.
      onReconnect: () => void queryClient.invalidateQueries({ queryKey: ALERTS_KEY }),
    });
    return stop;
  }, [queryClient, userId]);

  const dismiss = (id: string) => setToasts((current) => current.filter((t) => t.id !== id));

  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((alert) => (
        <div key={alert.id} className="toast" data-testid="alert-toast">
          <strong>Overconsumption</strong>
          <p>{alertSummary(alert)}</p>
          <div className="toast-actions">
            <Link to={alertDashboardPath(alert)} onClick={() => dismiss(alert.id)}>
              Show the hour
            </Link>
            <button type="button" className="secondary" aria-label="Dismiss alert" onClick={() => dismiss(alert.id)}>
              ×
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}
