import type { FormEvent } from "react";
import { Link } from "react-router";
import { Field } from "../../../components/Field";
import { FormError, SubmitButton } from "../../../components/FormActions";
import { useForm } from "../../../components/use-form";
import { useRegister, type Registration } from "../api/register";

const EMPTY: Registration = { username: "", password: "", full_name: "", email: "" };

export function RegisterPage() {
  const register = useRegister();
  const form = useForm(EMPTY, register.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    register.mutate(form.values);
  }

  if (register.isSuccess) {
    return (
      <section className="card narrow">
        <h1>Account created</h1>
        <p role="status">
          Welcome, {form.values.username}. <Link to="/login">Sign in</Link> to see your energy use.
        </p>
      </section>
    );
  }

  return (
    <section className="card narrow">
      <h1>Register</h1>
      <form onSubmit={submit} noValidate>
        <Field label="Username" autoComplete="username" required {...form.field("username")} />
        <Field label="Password" type="password" autoComplete="new-password" required {...form.field("password")} />
        <Field label="Full name" autoComplete="name" {...form.field("full_name")} />
        <Field label="E-mail" type="email" autoComplete="email" {...form.field("email")} />
        <FormError message={form.general} />
        <SubmitButton busy={register.isPending} busyLabel="Creating…">
          Create account
        </SubmitButton>
      </form>
      <p className="muted">
        Already registered? <Link to="/login">Sign in</Link>
      </p>
    </section>
  );
}
