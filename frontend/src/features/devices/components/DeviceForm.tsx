import { useState, type FormEvent } from "react";
import { Field } from "../../../components/Field";
import { errorText } from "../../../components/ErrorMessage";
import { ApiError } from "../../../lib/api-client";
import type { DeviceInput } from "../api/types";

interface Props {
  initial: DeviceInput;
  submitLabel: string;
  busy: boolean;
  error: unknown;
  onSubmit: (values: DeviceInput) => void;
  onCancel: () => void;
}

export function DeviceForm({ initial, submitLabel, busy, error, onSubmit, onCancel }: Props) {
  const [values, setValues] = useState({ ...initial, max: String(initial.max_hourly_consumption_kwh) });
  const fields = error instanceof ApiError ? error.fieldErrors() : {};
  const known = ["name", "description", "address", "max_hourly_consumption_kwh"];
  const general = error && !Object.keys(fields).some((k) => known.includes(k)) ? errorText(error) : null;
  const set = (key: keyof typeof values) => (e: { target: { value: string } }) =>
    setValues({ ...values, [key]: e.target.value });

  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit({
      name: values.name,
      description: values.description,
      address: values.address,
      max_hourly_consumption_kwh: Number(values.max),
    });
  }

  return (
    <form onSubmit={submit} noValidate>
      <Field label="Name" name="name" required value={values.name} onChange={set("name")} error={fields.name} />
      <Field
        label="Description"
        name="description"
        value={values.description}
        onChange={set("description")}
        error={fields.description}
      />
      <Field label="Address" name="address" value={values.address} onChange={set("address")} error={fields.address} />
      <Field
        label="Max hourly consumption (kWh)"
        name="max_hourly_consumption_kwh"
        type="number"
        min="0.001"
        step="0.001"
        required
        value={values.max}
        onChange={set("max")}
        error={fields.max_hourly_consumption_kwh}
      />
      {general && (
        <p className="alert error" role="alert">
          {general}
        </p>
      )}
      <div className="actions">
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={busy}>
          {busy ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}
