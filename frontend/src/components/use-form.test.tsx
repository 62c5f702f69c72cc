import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
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

function DeviceMaxForm({ onSubmit }: { onSubmit: (values: { name: string; max: string }) => void }) {
  const form = useForm({ name: "Kitchen", max: "" });
  return (
    <form onSubmit={form.submit(onSubmit)} noValidate>
      <Field label="Name" {...form.field("name")} />
      <Field label="Max (kWh)" type="number" required {...form.field("max")} />
      <button type="submit">Save</button>
    </form>
  );
}

describe("useForm's required fields", () => {
  it("says Required at an empty required number field, focuses it and sends nothing", async () => {
    const onSubmit = vi.fn();
    const user = userEvent.setup();
    render(<DeviceMaxForm onSubmit={onSubmit} />);
    await user.click(screen.getByRole("button", { name: "Save" }));
    const max = screen.getByLabelText("Max (kWh)");
    expect(max).toHaveAccessibleDescription("Required");
    expect(max).toHaveAttribute("aria-invalid", "true");
    expect(max).toHaveFocus();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("clears Required once the field is filled, and sends the values", async () => {
    const onSubmit = vi.fn();
    const user = userEvent.setup();
    render(<DeviceMaxForm onSubmit={onSubmit} />);
    await user.click(screen.getByRole("button", { name: "Save" }));
    await user.type(screen.getByLabelText("Max (kWh)"), "2.5");
    expect(screen.getByLabelText("Max (kWh)")).toHaveAttribute("aria-invalid", "false");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(onSubmit).toHaveBeenCalledWith({ name: "Kitchen", max: "2.5" });
  });
});

function TwoFields({ onReady }: { onReady: (change: (name: "a" | "b", value: string) => void) => void }) {
  const form = useForm({ a: "", b: "" });
  const fields = { a: form.field("a"), b: form.field("b") };
  onReady((name, value) => fields[name].onChange({ target: { value } }));
  return (
    <output>
      {form.values.a}|{form.values.b}
    </output>
  );
}

describe("useForm's changes between renders", () => {
  it("keeps two fields' changes made with one render's handlers", () => {
    // A picker's choice is applied in an effect; a keystroke in another field can come before
    // the render that follows it, through the handler of the render before.
    let change: (name: "a" | "b", value: string) => void = () => {};
    render(<TwoFields onReady={(handler) => (change = handler)} />);
    const stale = change;
    act(() => {
      stale("a", "device-1");
      stale("b", "2026-01-01");
    });
    expect(screen.getByRole("status")).toHaveTextContent("device-1|2026-01-01");
  });
});
