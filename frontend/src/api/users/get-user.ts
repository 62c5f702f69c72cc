import { useItemQuery } from "../../lib/queries";
import { USERS_KEY } from "./list-users";
import type { UserProfile } from "./types";

/** One profile by id (a device's owner); null id asks nothing. */
export function useUser(id: string | null) {
  return useItemQuery<UserProfile>(USERS_KEY, (known) => `/api/users/${known}/`, id);
}
