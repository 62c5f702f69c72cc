import type { FormEvent } from "react";
import { Field } from "../../../components/Field";
import { FormActions, SubmitButton, type FormDialog } from "../../../components/FormActions";
import { useForm } from "../../../components/use-form";
import type { Role } from "../../../lib/auth-store";

/** The form's fields: these keys and no others (a field error under another name is shown as general). */
export type UserFormValues = {
  username: string;
  password: string;
  full_name: string;
  email: string;
  role: Role;
};

interface Props extends FormDialog<UserFormValues> {
  initial: UserFormValues;
  /** Editing: username and password are not changed here. */
  editing: boolean;
}

export function UserForm({ initial, editing, busy, error, onSubmit, onCancel }: Props) {
  const form = useForm(initial, error);
  const role = form.field("role");

  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit(form.values);
  }

  return (
    <form onSubmit={submit} noValidate>
      {!editing && (
        <>
          <Field label="Username" required {...form.field("username")} />
          <Field label="Password" type="password" autoComplete="new-password" required {...form.field("password")} />
        </>
      )}
      <Field label="Full name" {...form.field("full_name")} />
      <Field label="E-mail" type="email" {...form.field("email")} />
      <div className="field">
        <label htmlFor="user-role">Role</label>
        <select id="user-role" name={role.name} value={role.value} onChange={role.onChange}>
          <option value="client">client</option>
          <option value="admin">admin</option>
        </select>
        {role.error && <span className="field-error">{role.error}</span>}
      </div>
      <FormActions error={form.general} onCancel={onCancel}>
        <SubmitButton busy={busy} busyLabel="Saving…">
          {editing ? "Save" : "Create user"}
        </SubmitButton>
      </FormActions>
    </form>
  );
}
