import { useUser } from "../api/users/get-user";
import { useUsers } from "../api/users/list-users";
import type { UserProfile } from "../api/users/types";
import { pageOptions, SearchPicker, type PickerOptions } from "./SearchPicker";
import { usePickedItem } from "./use-picked-item";

/** The first page of profiles matching the typed text (`GET /api/users/?search=`). */
function useUserOptions(search: string): PickerOptions<UserProfile> {
  return pageOptions(useUsers({ search, page: 1 }));
}

interface Props {
  id: string;
  label?: string;
  /** The chosen user's id, or null. */
  value: string | null;
  onChange: (user: UserProfile | null) => void;
  clearLabel?: string;
}

/** A user found by part of their username, full name or e-mail; their role and name beside. */
export function UserPicker({ id, label = "User", value, onChange, clearLabel }: Props) {
  // The profile picked here; a choice named only by id (the address) is looked up for its name.
  const choice = usePickedItem(value, onChange, useUser);
  return (
    <SearchPicker<UserProfile>
      id={id}
      label={label}
      placeholder="part of a username"
      {...choice}
      useOptions={useUserOptions}
      itemName={(user) => user.username}
      itemDetail={(user) => [user.full_name, user.role].filter(Boolean).join(" · ")}
      clearLabel={clearLabel}
    />
  );
}
