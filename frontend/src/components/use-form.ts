import { useState } from "react";
import { ApiError } from "../lib/api-client";
import { errorText } from "./ErrorMessage";

type Values = Record<string, string>;

/**
 * A form's values as typed (the keys of `initial` are its fields), and the API's `error` split
 * into each field's message and the rest (`general`: shown above the buttons only when no field
 * shows it). `field(name)` is what a `<Field>` or `<select>` needs: name, value, onChange, error.
 */
export function useForm<V extends Values>(initial: V, error?: unknown) {
  const [values, setValues] = useState(initial);
  const fieldErrors = error instanceof ApiError ? error.fieldErrors() : {};
  const general = error && !Object.keys(fieldErrors).some((key) => key in initial) ? errorText(error) : null;

  function field<K extends keyof V & string>(name: K) {
    return {
      name,
      value: values[name],
      onChange: (event: { target: { value: string } }) => setValues({ ...values, [name]: event.target.value }),
      error: fieldErrors[name] as string | undefined,
    };
  }

  return { values, field, general };
}
