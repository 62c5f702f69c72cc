import { useUnreadAlertCount } from "../api/unread-alert-count";

/** The count of unread alerts beside the nav link; nothing while there are none. */
export function UnreadBadge() {
  const unread = useUnreadAlertCount(true);
  const count = unread.data ?? 0;
  if (count === 0) return null;
  return (
    <span className="unread-badge" data-testid="unread-badge" aria-label={`${count} unread`}>
      {count > 99 ? "99+" : count}
    </span>
  );
}
