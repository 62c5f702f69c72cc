import { useState, type FormEvent } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router";
import { Field } from "../../../components/Field";
import { errorText } from "../../../components/ErrorMessage";
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
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");

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
        <Field
          label="Username"
          name="username"
          autoComplete="username"
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {message && (
          <p className="alert error" role="alert">
            {message}
          </p>
        )}
        <button type="submit" disabled={login.isPending || !username || !password}>
          {login.isPending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p className="muted">
        No account yet? <Link to="/register">Register</Link>
      </p>
    </section>
  );
}
