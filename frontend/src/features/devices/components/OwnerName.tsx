import { useUser } from "../../../api/users/get-user";

/** A device owner's username (the id while it loads, or if the profile is not there yet). */
export function OwnerName({ ownerId }: { ownerId?: string | null }) {
  const user = useUser(ownerId ?? null);
  if (!ownerId) return <span className="muted">unassigned</span>;
  return <span title={ownerId}>{user.data?.username ?? `${ownerId.slice(0, 8)}…`}</span>;
}
