import { useState } from "react";
import { DevicePicker } from "../../../components/DevicePicker";
import { errorText } from "../../../components/ErrorMessage";
import { Field } from "../../../components/Field";
import { FormActions, SubmitButton, type FormDialog } from "../../../components/FormActions";
import { useForm } from "../../../components/use-form";
import { ApiError } from "../../../lib/api-client";
import type { Rate, TariffInput } from "../api/types";
import { flatRates } from "../rates";
import { RatesEditor } from "./RatesEditor";

interface Props extends FormDialog<TariffInput> {
  initial: TariffInput;
  submitLabel: string;
}

const FIELDS = ["name", "currency", "device_id", "valid_from", "tz"];

export function TariffForm({ initial, submitLabel, busy, error, onSubmit, onCancel }: Props) {
  const form = useForm(
    {
      name: initial.name,
      currency: initial.currency,
      device_id: initial.device_id ?? "",
      valid_from: initial.valid_from,
      tz: initial.tz,
    },
    error,
  );
  const [rates, setRates] = useState<Rate[]>(initial.rates);
  const errors = error instanceof ApiError ? error.fieldErrors() : {};
  const shown = Object.keys(errors).some((key) => FIELDS.includes(key) || key === "rates" || key.startsWith("rates["));
  const general = error && !shown ? errorText(error) : null;
  const device = form.field("device_id");

  function submit(values: typeof form.values) {
    onSubmit({
      ...values,
      currency: values.currency.trim().toUpperCase(),
      device_id: values.device_id || null,
      rates,
    });
  }

  return (
    <form onSubmit={form.submit(submit)} noValidate>
      <Field label="Name" required {...form.field("name")} />
      <DevicePicker
        id="tariff-device"
        placeholder="Default: every device without its own"
        value={device.value || null}
        onChange={(picked) => device.onChange({ target: { value: picked?.id ?? "" } })}
        clearLabel="Make it the default tariff"
      />
      {device.error && <span className="field-error">{device.error}</span>}
      <Field label="Valid from" type="date" required {...form.field("valid_from")} />
      <Field label="Currency (ISO 4217)" required maxLength={3} {...form.field("currency")} />
      <Field label="Time zone (IANA)" required {...form.field("tz")} />
      <RatesEditor
        rates={rates}
        onChange={setRates}
        errors={errors}
        onFlat={() => setRates(flatRates(rates[0]?.price_per_kwh ?? ""))}
      />
      <FormActions error={general} onCancel={onCancel}>
        <SubmitButton busy={busy} busyLabel="Saving…">
          {submitLabel}
        </SubmitButton>
      </FormActions>
    </form>
  );
}
