import type { Page } from "../../lib/api-client";
import { usePageQuery } from "../../lib/queries";
import type { UserProfile } from "./types";

export const USERS_KEY = ["users"] as const;

export interface UserListQuery {
  search?: string;
  page?: number;
  /** username, full_name, email or role; `-` before it: descending. */
  ordering?: string;
}

/** Profiles from user_service: it has the searchable list with names and e-mails. */
export function useUsers(query: UserListQuery) {
  return usePageQuery<Page<UserProfile>>(USERS_KEY, "/api/users/", {
    search: query.search,
    page: query.page,
    ordering: query.ordering,
  });
}
