import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiFetch, type Page } from "../../lib/api-client";
import type { UserProfile } from "./types";

export const USERS_KEY = ["users"] as const;

export interface UserListQuery {
  search?: string;
  page?: number;
  /** username, full_name, email or role; `-` before it: descending. */
  ordering?: string;
}

/** Profiles from user_service: it has the searchable list with names and e-mails. */
export function listUsers(query: UserListQuery, signal?: AbortSignal): Promise<Page<UserProfile>> {
  return apiFetch<Page<UserProfile>>("/api/users/", {
    query: { search: query.search, page: query.page, ordering: query.ordering },
    signal,
  });
}

export function useUsers(query: UserListQuery, enabled = true) {
  return useQuery({
    queryKey: [...USERS_KEY, "list", query],
    queryFn: ({ signal }) => listUsers(query, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}
