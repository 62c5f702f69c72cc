import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { FormActions, SubmitButton } from "./FormActions";

describe("FormActions", () => {
  it("shows the error, then Cancel and the main button", async () => {
    const onCancel = vi.fn();
    render(
      <form>
        <FormActions error="Could not save." onCancel={onCancel}>
          <SubmitButton busy={false} busyLabel="Saving…">
            Save
          </SubmitButton>
        </FormActions>
      </form>,
    );
    expect(screen.getByRole("alert")).toHaveTextContent("Could not save.");
    const buttons = screen.getAllByRole("button");
    expect(buttons.map((b) => b.textContent)).toEqual(["Cancel", "Save"]);
    expect(buttons[1]).toHaveAttribute("type", "submit");
    await userEvent.setup().click(buttons[0]);
    expect(onCancel).toHaveBeenCalledOnce();
  });

  it("has no alert without an error, and a busy button is disabled and says so", () => {
    render(
      <FormActions onCancel={() => {}}>
        <SubmitButton busy busyLabel="Saving…">
          Save
        </SubmitButton>
      </FormActions>,
    );
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Saving…" })).toBeDisabled();
  });
});
