import { useState, type FormEvent } from "react";
import { Field } from "../../../components/Field";
import { errorText } from "../../../components/ErrorMessage";
import { ApiError } from "../../../lib/api-client";
import type { Role } from "../../../lib/auth-store";

export interface UserFormValues {
  username: string;
  password: string;
  full_name: string;
  email: string;
  role: Role;
}

interface Props {
  initial: UserFormValues;
  /** Editing: username and password are not changed here. */
  editing: boolean;
  busy: boolean;
  error: unknown;
  onSubmit: (values: UserFormValues) => void;
  onCancel: () => void;
}

export function UserForm({ initial, editing, busy, error, onSubmit, onCancel }: Props) {
  const [values, setValues] = useState(initial);
  const fields = error instanceof ApiError ? error.fieldErrors() : {};
  const set = (key: keyof UserFormValues) => (e: { target: { value: string } }) =>
    setValues({ ...values, [key]: e.target.value });
  const known = ["username", "password", "full_name", "email", "role"];
  const general = error && !Object.keys(fields).some((k) => known.includes(k)) ? errorText(error) : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit(values);
  }

  return (
    <form onSubmit={submit} noValidate>
      {!editing && (
        <>
          <Field
            label="Username"
            name="username"
            required
            value={values.username}
            onChange={set("username")}
            error={fields.username}
          />
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            value={values.password}
            onChange={set("password")}
            error={fields.password}
          />
        </>
      )}
      <Field
        label="Full name"
        name="full_name"
        value={values.full_name}
        onChange={set("full_name")}
        error={fields.full_name}
      />
      <Field
        label="E-mail"
        name="email"
        type="email"
        value={values.email}
        onChange={set("email")}
        error={fields.email}
      />
      <div className="field">
        <label htmlFor="user-role">Role</label>
        <select id="user-role" name="role" value={values.role} onChange={set("role")}>
          <option value="client">client</option>
          <option value="admin">admin</option>
        </select>
        {fields.role && <span className="field-error">{fields.role}</span>}
      </div>
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
          {busy ? "Saving…" : editing ? "Save" : "Create user"}
        </button>
      </div>
    </form>
  );
}
