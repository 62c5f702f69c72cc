import { Field } from "../../../components/Field";
import { FormActions, SubmitButton, type FormDialog } from "../../../components/FormActions";
import { useForm } from "../../../components/use-form";
import type { DeviceInput, MeterFormat } from "../api/types";

/** What a meter that says nothing else sends: a reading every 10 minutes (the API's default). */
export const DEFAULT_INTERVAL_MINUTES = 10;

/** The payloads a meter may send, as the form offers them (device_service's meter_format). */
export const METER_FORMATS: { value: MeterFormat; label: string }[] = [
  { value: "ems", label: "EMS JSON" },
  { value: "tasmota", label: "Tasmota" },
  { value: "shelly", label: "Shelly Gen2" },
];

/** The form's number fields, typed as text and sent as numbers. */
const NUMBERS = [
  { name: "max_hourly_consumption_kwh", label: "Max hourly consumption (kWh)", min: "0.001", step: "0.001" },
  { name: "reading_interval_minutes", label: "Reading interval (minutes)", min: "1", max: "1440", step: "1" },
] as const;

interface Props extends FormDialog<DeviceInput> {
  initial: DeviceInput;
  submitLabel: string;
}

export function DeviceForm({ initial, submitLabel, busy, error, onSubmit, onCancel }: Props) {
  // As typed: the numbers are text until they are sent.
  const form = useForm(
    {
      name: initial.name,
      description: initial.description ?? "",
      address: initial.address ?? "",
      max_hourly_consumption_kwh: String(initial.max_hourly_consumption_kwh),
      reading_interval_minutes: String(initial.reading_interval_minutes ?? DEFAULT_INTERVAL_MINUTES),
      meter_format: initial.meter_format ?? "ems",
    },
    error,
  );

  function submit(values: typeof form.values) {
    onSubmit({
      ...values,
      max_hourly_consumption_kwh: Number(values.max_hourly_consumption_kwh),
      reading_interval_minutes: Number(values.reading_interval_minutes),
      meter_format: values.meter_format as MeterFormat,
    });
  }

  const meterFormat = form.field("meter_format");
  return (
    <form onSubmit={form.submit(submit)} noValidate>
      <Field label="Name" required {...form.field("name")} />
      <Field label="Description" {...form.field("description")} />
      <Field label="Address" {...form.field("address")} />
      {NUMBERS.map(({ name, ...input }) => (
        <Field key={name} type="number" required {...input} {...form.field(name)} />
      ))}
      <div className="field">
        <label htmlFor="device-meter-format">Meter payload</label>
        <select
          id="device-meter-format"
          name={meterFormat.name}
          value={meterFormat.value}
          onChange={meterFormat.onChange}
          aria-invalid={!!meterFormat.error}
          aria-describedby={meterFormat.error ? "device-meter-format-error" : undefined}
        >
          {METER_FORMATS.map(({ value, label }) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        {meterFormat.error && (
          <span id="device-meter-format-error" className="field-error">
            {meterFormat.error}
          </span>
        )}
      </div>
      <FormActions error={form.general} onCancel={onCancel}>
        <SubmitButton busy={busy} busyLabel="Saving…">
          {submitLabel}
        </SubmitButton>
      </FormActions>
    </form>
  );
}
