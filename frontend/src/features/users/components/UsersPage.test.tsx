import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ADMIN, fakeApi, renderRoutes, signInAs } from "../../../test/render";
import { UsersPage } from "./UsersPage";

const ALICE = { id: "u-1", username: "alice", role: "client", full_name: "Alice A", email: "a@x.org", created_at: "" };

function listOf(count: number) {
  return () => ({ count, next: null, previous: null, results: [ALICE] });
}

describe("UsersPage", () => {
  it("goes back to the first page when the search changes", async () => {
    signInAs(ADMIN);
    const { calls } = fakeApi({ "/api/users/": listOf(120) });
    renderRoutes([{ path: "/", element: <UsersPage /> }], "/");
    const user = userEvent.setup();
    expect(await screen.findByText("1–50 of 120")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Next →" }));
    expect(await screen.findByText("51–100 of 120")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Search"), "al");
    expect(await screen.findByText("1–50 of 120")).toBeInTheDocument();
    const last = calls.filter((c) => c.pathname === "/api/users/").at(-1);
    expect(last?.searchParams.get("search")).toBe("al");
    expect(last?.searchParams.get("page")).toBe("1");
  });

  it("sorts by full name from its header", async () => {
    signInAs(ADMIN);
    const { calls } = fakeApi({ "/api/users/": listOf(1) });
    renderRoutes([{ path: "/", element: <UsersPage /> }], "/");
    await userEvent.setup().click(await screen.findByRole("button", { name: /Full name/ }));
    await waitFor(() => expect(calls.at(-1)?.searchParams.get("ordering")).toBe("full_name"));
  });

  it("says so when no user matches", async () => {
    signInAs(ADMIN);
    fakeApi({ "/api/users/": () => ({ count: 0, next: null, previous: null, results: [] }) });
    renderRoutes([{ path: "/", element: <UsersPage /> }], "/");
    expect(await screen.findByTestId("users-table")).toHaveTextContent("No users match.");
  });

  it("deletes a user once the dialog is confirmed, then closes it", async () => {
    signInAs(ADMIN);
    const { calls } = fakeApi({
      "/api/users/": listOf(1),
      "/api/auth/users/u-1/": () => new Response(null, { status: 204 }),
    });
    renderRoutes([{ path: "/", element: <UsersPage /> }], "/");
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Delete alice" }));
    const dialog = screen.getByRole("dialog", { name: "Delete user" });
    expect(dialog).toHaveTextContent("Delete alice? Their devices become unassigned. This cannot be undone.");
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(calls.some((c) => c.pathname === "/api/auth/users/u-1/")).toBe(true);
    expect(screen.getByTestId("toasts")).toHaveTextContent("Deleted user alice.");
  });

  it("opens the edit dialog with the user's name in its title", async () => {
    signInAs(ADMIN);
    fakeApi({ "/api/users/": listOf(1) });
    renderRoutes([{ path: "/", element: <UsersPage /> }], "/");
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Edit alice" }));
    expect(screen.getByRole("dialog", { name: "Edit alice" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });
});
