import { QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import { createMemoryRouter, RouterProvider, type RouteObject } from "react-router";
import { createQueryClient } from "../lib/query-client";
import { authStore, type SessionUser } from "../lib/auth-store";

export function renderRoutes(routes: RouteObject[], url: string) {
  const router = createMemoryRouter(routes, { initialEntries: [url] });
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  const view = render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { ...view, router };
}

export function signInAs(user: SessionUser): void {
  authStore.signIn({ access: "access-token" }, user);
}

export const ADMIN: SessionUser = { id: "a0000000-0000-0000-0000-000000000001", username: "admin", role: "admin" };
export const CLIENT: SessionUser = { id: "c0000000-0000-0000-0000-000000000002", username: "carol", role: "client" };

type Handler = (url: URL, init: RequestInit | undefined) => unknown;

/**
 * A fake fetch answering by path; each call is recorded. A handler returning a Response is
 * sent as is, anything else as 200 JSON; an unknown path is a 404 so a stray call shows.
 */
export function fakeApi(handlers: Record<string, Handler>) {
  const calls: URL[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://localhost");
    calls.push(url);
    const handler = handlers[url.pathname];
    if (!handler) return new Response(JSON.stringify({ errors: [] }), { status: 404 });
    const result = handler(url, init);
    return result instanceof Response ? result : new Response(JSON.stringify(result), { status: 200 });
  });
  vi.stubGlobal("fetch", fetchMock);
  return { calls, fetchMock };
}
