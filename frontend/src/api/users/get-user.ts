import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "../../lib/api-client";
import { USERS_KEY } from "./list-users";
import type { UserProfile } from "./types";

export function getUser(id: string, signal?: AbortSignal): Promise<UserProfile> {
  return apiFetch<UserProfile>(`/api/users/${id}/`, { signal });
}

/** One profile by id (a device's owner); null id asks nothing. */
export function useUser(id: string | null) {
  return useQuery({
    queryKey: [...USERS_KEY, "one", id],
    queryFn: ({ signal }) => getUser(id as string, signal),
    enabled: !!id,
    staleTime: 60_000,
    retry: false,
  });
}
