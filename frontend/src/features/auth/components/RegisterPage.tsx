import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { Field } from "../../../components/Field";
import { errorText } from "../../../components/ErrorMessage";
import { ApiError } from "../../../lib/api-client";
import { useRegister, type Registration } from "../api/register";

export function RegisterPage() {
  const register = useRegister();
  const [form, setForm] = useState<Registration>({ username: "", password: "", full_name: "", email: "" });
  const fields = register.error instanceof ApiError ? register.error.fieldErrors() : {};
  const set = (key: keyof Registration) => (e: { target: { value: string } }) =>
    setForm({ ...form, [key]: e.target.value });

  function submit(event: FormEvent) {
    event.preventDefault();
    register.mutate(form);
  }

  if (register.isSuccess) {
    return (
      <section className="card narrow">
        <h1>Account created</h1>
        <p role="status">
          Welcome, {form.username}. <Link to="/login">Sign in</Link> to see your energy use.
        </p>
      </section>
    );
  }

  return (
    <section className="card narrow">
      <h1>Register</h1>
      <form onSubmit={submit} noValidate>
        <Field
          label="Username"
          name="username"
          autoComplete="username"
          required
          value={form.username}
          onChange={set("username")}
          error={fields.username}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          value={form.password}
          onChange={set("password")}
          error={fields.password}
        />
        <Field
          label="Full name"
          name="full_name"
          autoComplete="name"
          value={form.full_name}
          onChange={set("full_name")}
          error={fields.full_name}
        />
        <Field
          label="E-mail"
          name="email"
          type="email"
          autoComplete="email"
          value={form.email}
          onChange={set("email")}
          error={fields.email}
        />
        {register.error && !Object.keys(fields).some((k) => k in form) && (
          <p className="alert error" role="alert">
            {errorText(register.error)}
          </p>
        )}
        <button type="submit" disabled={register.isPending}>
          {register.isPending ? "Creating…" : "Create account"}
        </button>
      </form>
      <p className="muted">
        Already registered? <Link to="/login">Sign in</Link>
      </p>
    </section>
  );
}
