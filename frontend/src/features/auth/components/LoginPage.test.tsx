import { act, fireEvent, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { authStore } from "../../../lib/auth-store";
import { fakeApi, renderRoutes } from "../../../test/render";
import { LoginPage } from "./LoginPage";

const THROTTLED = {
  errors: [
    {
      code: "throttled",
      detail: "Too many failed login attempts; try again later. Expected available in 60 seconds.",
      attr: null,
    },
  ],
};

function showLogin() {
  authStore.signOut();
  renderRoutes([{ path: "/login", element: <LoginPage /> }], "/login");
}

/** Fills the form in and sends it; the fake timers run whatever is due after `ms`. */
async function signInAndWait(ms = 10) {
  fireEvent.change(screen.getByLabelText("Username"), { target: { value: "carol" } });
  fireEvent.change(screen.getByLabelText("Password"), { target: { value: "wrong" } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
  await act(() => vi.advanceTimersByTimeAsync(ms));
}

const tick = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms));

describe("LoginPage", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("starts with the cursor in Username", () => {
    showLogin();
    expect(screen.getByLabelText("Username")).toHaveFocus();
  });

  it("counts the lockout down live from the answer's Retry-After", async () => {
    vi.useFakeTimers();
    fakeApi({
      "/api/auth/login/": () =>
        new Response(JSON.stringify(THROTTLED), { status: 429, headers: { "Retry-After": "60" } }),
    });
    showLogin();
    await signInAndWait();
    const timer = screen.getByRole("timer");
    expect(timer).toHaveTextContent("You can try again in 60 seconds.");
    await tick(3000);
    expect(timer).toHaveTextContent("You can try again in 57 seconds.");
    await tick(56_000);
    expect(timer).toHaveTextContent("You can try again in 1 second.");
    await tick(1000);
    expect(timer).toHaveTextContent("You can try again now.");
    expect(screen.getByRole("alert")).toHaveTextContent("Too many failed sign-ins.");
  });

  it("says wrong credentials, with no countdown, for a 401", async () => {
    vi.useFakeTimers();
    fakeApi({
      "/api/auth/login/": () =>
        new Response(JSON.stringify({ errors: [{ code: "wrong_credentials", detail: "x", attr: null }] }), {
          status: 401,
        }),
    });
    showLogin();
    await signInAndWait();
    expect(screen.getByRole("alert")).toHaveTextContent("Wrong username or password.");
    expect(screen.queryByRole("timer")).not.toBeInTheDocument();
  });
});
