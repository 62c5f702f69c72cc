import { useState, type FormEvent } from "react";
import { ApiError } from "../lib/api-client";
import { errorText } from "./ErrorMessage";

type Values = Record<string, string>;

export const REQUIRED = "Required";

/** The fields the form marks `required` (its own markup says which) that are still blank. */
function blankRequired(form: HTMLFormElement, values: Values): string[] {
  return Object.keys(values).filter((name) => {
    const control = form.elements.namedItem(name);
    return control instanceof HTMLElement && control.hasAttribute("required") && values[name].trim() === "";
  });
}

/**
 * A form's values as typed (the keys of `initial` are its fields), and the API's `error` split
 * into each field's message and the rest (`general`: shown above the buttons only when no field
 * shows it). `field(name)` is what a `<Field>` or `<select>` needs: name, value, onChange, error.
 * `submit(handler)` is the form's onSubmit: a blank required field says "Required" (an empty
 * number would otherwise be sent as 0 and come back as "Must be greater than 0") and gets the
 * focus; the handler runs only when none is blank.
 */
export function useForm<V extends Values>(initial: V, error?: unknown) {
  const [values, setValues] = useState(initial);
  const [blank, setBlank] = useState<string[]>([]);
  const fieldErrors = error instanceof ApiError ? error.fieldErrors() : {};
  const general = error && !Object.keys(fieldErrors).some((key) => key in initial) ? errorText(error) : null;

  function field<K extends keyof V & string>(name: K) {
    return {
      name,
      value: values[name],
      // Updates from the current values, not this render's: two changes before the next render
      // (a picker's choice, applied in an effect, then a keystroke in another field) both stay.
      onChange: (event: { target: { value: string } }) => {
        const value = event.target.value;
        setValues((current) => ({ ...current, [name]: value }));
        setBlank((current) => current.filter((other) => other !== name));
      },
      error: blank.includes(name) ? REQUIRED : (fieldErrors[name] as string | undefined),
    };
  }

  function submit(handler: (values: V) => void) {
    return (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      const missing = blankRequired(event.currentTarget, values);
      setBlank(missing);
      if (missing.length === 0) handler(values);
      else (event.currentTarget.elements.namedItem(missing[0]) as HTMLElement).focus();
    };
  }

  return { values, field, general, submit };
}
