import type { FormEvent } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router";
import { Field } from "../../../components/Field";
import { errorText } from "../../../components/ErrorMessage";
import { FormError, SubmitButton } from "../../../components/FormActions";
import { useForm } from "../../../components/use-form";
import { ApiError } from "../../../lib/api-client";
import { useLogin } from "../api/login";
import { homePathFor, useAuth } from "../use-auth";

/** Where a signed-out visitor was going (set by the guard), if anywhere. */
function returnPath(state: unknown): string | null {
  const from = (state as { from?: string } | null)?.from;
  return typeof from === "string" && from.startsWith("/") && !from.startsWith("/login") ? from : null;
}

export function LoginPage() {
  const auth = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const login = useLogin();
  const form = useForm({ username: "", password: "" });
  const { username, password } = form.values;

  if (auth.status === "signedIn" && !login.isPending && !login.isSuccess) {
    return <Navigate to={homePathFor(auth.user.role)} replace />;
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    login.mutate(
      { username, password },
      {
        onSuccess: (user) => navigate(returnPath(location.state) ?? homePathFor(user.role), { replace: true }),
      },
    );
  }

  const error = login.error;
  const message =
    error instanceof ApiError && error.status === 401 ? "Wrong username or password." : error ? errorText(error) : null;

  return (
    <section className="card narrow">
      <h1>Sign in</h1>
      <form onSubmit={submit} noValidate>
        <Field label="Username" autoComplete="username" required {...form.field("username")} />
        <Field label="Password" type="password" autoComplete="current-password" required {...form.field("password")} />
        <FormError message={message} />
        <SubmitButton busy={login.isPending} busyLabel="Signing in…" disabled={!username || !password}>
          Sign in
        </SubmitButton>
      </form>
      <p className="muted">
        No account yet? <Link to="/register">Register</Link>
      </p>
    </section>
  );
}
