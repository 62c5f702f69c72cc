import type { QueryClient } from "@tanstack/react-query";
import { USERS_KEY } from "../../../api/users/list-users";

/**
 * Accounts change in auth_service and reach user_service's list through an event a moment
 * later: refresh the list now and once more after the sync had time to land.
 */
export function refreshUsersLater(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: USERS_KEY });
  setTimeout(() => void queryClient.invalidateQueries({ queryKey: USERS_KEY }), 1500);
}
