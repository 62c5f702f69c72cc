import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./api-client";
import { authStore } from "./auth-store";

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // A 4xx will not change by asking again; a network blip or a 5xx might.
        retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}

/**
 * Forget every cached answer when the session ends (sign-out, or a refused refresh), so the
 * next person to sign in on this tab never sees the previous one's devices or readings.
 */
export function clearOnSignOut(queryClient: QueryClient): () => void {
  return authStore.subscribe(() => {
    if (authStore.getState().status === "signedOut") queryClient.clear();
  });
}
