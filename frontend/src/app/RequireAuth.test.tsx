import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ADMIN, CLIENT, fakeApi, renderRoutes, signInAs } from "../test/render";
import { authStore } from "../lib/auth-store";
import { UsersPage } from "../features/users/components/UsersPage";
import { LoginPage } from "../features/auth/components/LoginPage";
import { RequireAuth } from "../features/auth/components/RequireAuth";

const PEOPLE = [{ id: ADMIN.id, username: "admin", role: "admin", full_name: "Ada Admin", email: "", created_at: "" }];

const routes = [
  { path: "/login", element: <LoginPage /> },
  {
    path: "/energy",
    element: (
      <RequireAuth>
        <p>energy page</p>
      </RequireAuth>
    ),
  },
  {
    path: "/admin/users",
    element: (
      <RequireAuth role="admin">
        <UsersPage />
      </RequireAuth>
    ),
  },
];

describe("RequireAuth", () => {
  it("shows a client 'not allowed' on an admin page and never asks for admin data", async () => {
    signInAs(CLIENT);
    const { calls } = fakeApi({ "/api/users/": () => ({ count: 1, next: null, previous: null, results: PEOPLE }) });
    renderRoutes(routes, "/admin/users");
    expect(await screen.findByTestId("not-allowed")).toHaveTextContent("Not allowed");
    expect(screen.queryByTestId("users-table")).not.toBeInTheDocument();
    expect(calls.filter((c) => c.pathname.startsWith("/api/users"))).toHaveLength(0);
  });

  it("shows an admin the users table", async () => {
    signInAs(ADMIN);
    fakeApi({ "/api/users/": () => ({ count: 1, next: null, previous: null, results: PEOPLE }) });
    renderRoutes(routes, "/admin/users");
    expect(await screen.findByTestId("users-table")).toHaveTextContent("Ada Admin");
  });

  it("sends a signed-out visitor to /login and back to the page after signing in", async () => {
    authStore.signOut();
    fakeApi({
      "/api/auth/login/": () => ({ access: "a", refresh: "r", user: CLIENT }),
    });
    const { router } = renderRoutes(routes, "/energy?date=2025-06-01");
    await waitFor(() => expect(router.state.location.pathname).toBe("/login"));
    const { default: userEvent } = await import("@testing-library/user-event");
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Username"), "carol");
    await user.type(screen.getByLabelText("Password"), "secret-pass");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("energy page")).toBeInTheDocument();
    expect(router.state.location.pathname + router.state.location.search).toBe("/energy?date=2025-06-01");
  });
});
