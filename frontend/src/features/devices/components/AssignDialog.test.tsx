import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { Toaster } from "../../../components/Toast";
import { ADMIN, fakeApi, renderRoutes, signInAs } from "../../../test/render";
import { AssignDialog } from "./AssignDialog";

const GARAGE = {
  id: "d-2",
  name: "Garage",
  description: "",
  address: "",
  max_hourly_consumption_kwh: 2,
  reading_interval_minutes: 10,
  owner_id: null,
  owner_username: null,
  created_at: "",
  updated_at: "",
};
const DANA = { id: "u-4", username: "dana", full_name: "Dana D", email: "", role: "client", created_at: "" };

describe("AssignDialog", () => {
  it("finds the user by typing, assigns to the one picked and says so", async () => {
    signInAs(ADMIN);
    const sent: unknown[] = [];
    const { calls } = fakeApi({
      "/api/users/": () => ({ count: 1, next: null, previous: null, results: [DANA] }),
      "/api/devices/d-2/assign/": (_url, init) => {
        sent.push(JSON.parse(String(init?.body)));
        return { ...GARAGE, owner_id: DANA.id, owner_username: "dana" };
      },
    });
    const onClose = vi.fn();
    renderRoutes(
      [
        {
          path: "/",
          element: (
            <>
              <AssignDialog device={GARAGE} onClose={onClose} />
              <Toaster />
            </>
          ),
        },
      ],
      "/",
    );
    const user = userEvent.setup();
    const assign = screen.getByRole("button", { name: "Assign" });
    expect(assign).toBeDisabled();
    await user.type(screen.getByRole("combobox", { name: "User" }), "dan");
    await waitFor(() => expect(calls.at(-1)?.searchParams.get("search")).toBe("dan"));
    const option = await screen.findByRole("option", { name: /dana/ });
    expect(option).toHaveTextContent("Dana D · client");
    await user.click(option);
    await user.click(assign);
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(sent).toEqual([{ user_id: "u-4" }]);
    expect(screen.getByTestId("toasts")).toHaveTextContent("Assigned Garage to dana.");
  });
});
