import { useUnreadAlertCount } from "../api/unread-alert-count";

/**
 * The count of unread alerts beside the nav link; nothing while there are none, and a marked
 * "unavailable" state (not silence) while the alerts cannot be counted.
 */
export function UnreadBadge() {
  const unread = useUnreadAlertCount(true);
  if (unread.isError) {
    return (
      <span
        className="unread-badge unavailable"
        data-testid="unread-badge-unavailable"
        role="img"
        aria-label="alerts unavailable"
        title="The alerts cannot be counted: the monitoring service is not answering"
      >
        ?
      </span>
    );
  }
  const count = unread.data ?? 0;
  if (count === 0) return null;
  return (
    <span className="unread-badge" data-testid="unread-badge" aria-label={`${count} unread`}>
      {count > 99 ? "99+" : count}
    </span>
  );
}
