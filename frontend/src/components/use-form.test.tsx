import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ApiError } from "../lib/api-client";
import { Field } from "./Field";
import { FormError } from "./FormActions";
import { useForm } from "./use-form";

function NameForm({ error }: { error?: unknown }) {
  const form = useForm({ name: "Kitchen" }, error);
  return (
    <form>
      <Field label="Name" {...form.field("name")} />
      <FormError message={form.general} />
      <output>{form.values.name}</output>
    </form>
  );
}

describe("useForm", () => {
  it("binds a field's name and value, and keeps what is typed", async () => {
    render(<NameForm />);
    const input = screen.getByLabelText("Name");
    expect(input).toHaveAttribute("name", "name");
    expect(input).toHaveAttribute("aria-invalid", "false");
    await userEvent.setup().type(input, " sink");
    expect(screen.getByRole("status")).toHaveTextContent("Kitchen sink");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("puts a field's error under the field, tied to it, and no general error", () => {
    render(<NameForm error={new ApiError(400, [{ code: "blank", detail: "Required.", attr: "name" }])} />);
    const input = screen.getByLabelText("Name");
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(input).toHaveAccessibleDescription("Required.");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("shows an error no field takes above the buttons", () => {
    render(<NameForm error={new ApiError(409, [{ code: "taken", detail: "Already there.", attr: null }])} />);
    expect(screen.getByRole("alert")).toHaveTextContent("Already there.");
    expect(screen.getByLabelText("Name")).toHaveAttribute("aria-invalid", "false");
  });
});
