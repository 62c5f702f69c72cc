import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, renderRoutes } from "../../../test/render";
import { RegisterPage } from "./RegisterPage";

/** Fills in username and password, sends the form, and returns the bodies posted. */
async function register(answer: () => unknown) {
  const sent: unknown[] = [];
  fakeApi({
    "/api/auth/register/": (_url, init) => {
      sent.push(JSON.parse(String(init?.body)));
      return answer();
    },
  });
  renderRoutes([{ path: "/", element: <RegisterPage /> }], "/");
  const user = userEvent.setup();
  await user.type(screen.getByLabelText("Username"), "dora");
  await user.type(screen.getByLabelText("Password"), "pw");
  await user.click(screen.getByRole("button", { name: "Create account" }));
  return sent;
}

describe("RegisterPage", () => {
  it("shows a field's error under that field and no general error", async () => {
    const errors = [{ code: "unique", detail: "That username is taken.", attr: "username" }];
    await register(() => new Response(JSON.stringify({ errors }), { status: 400 }));
    expect(await screen.findByText("That username is taken.")).toBeInTheDocument();
    expect(screen.getByLabelText("Username")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Username")).toHaveAccessibleDescription("That username is taken.");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("sends every field and welcomes the new account by name", async () => {
    const sent = await register(() => ({ id: "u-9", username: "dora", role: "client" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Welcome, dora.");
    expect(sent).toEqual([{ username: "dora", password: "pw", full_name: "", email: "" }]);
  });
});
