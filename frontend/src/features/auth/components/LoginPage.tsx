import { useState, type FormEvent } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router";
import { Field } from "../../../components/Field";
import { errorText } from "../../../components/ErrorMessage";
import { FormError, SubmitButton } from "../../../components/FormActions";
import { useForm } from "../../../components/use-form";
import { ApiError } from "../../../lib/api-client";
import { useLogin } from "../api/login";
import { homePathFor, useAuth } from "../use-auth";
import { useCountdown, type Wait } from "../use-countdown";

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
  // When a 429 (too many failed sign-ins) says the next try is allowed: its Retry-After from now.
  const [lockout, setLockout] = useState<Wait | null>(null);
  const secondsLeft = useCountdown(lockout);

  if (auth.status === "signedIn" && !login.isPending && !login.isSuccess) {
    return <Navigate to={homePathFor(auth.user.role)} replace />;
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    login.mutate(
      { username, password },
      {
        onSuccess: (user) => navigate(returnPath(location.state) ?? homePathFor(user.role), { replace: true }),
        onError: (error) => {
          const now = Date.now();
          const waitSeconds = error instanceof ApiError && error.status === 429 ? error.retryAfter : null;
          setLockout(waitSeconds === null ? null : { from: now, until: now + waitSeconds * 1000 });
        },
      },
    );
  }

  const error = login.error;
  const locked = lockout !== null && !login.isPending;
  const message =
    locked || login.isPending
      ? null
      : error instanceof ApiError && error.status === 401
        ? "Wrong username or password."
        : error
          ? errorText(error)
          : null;

  return (
    <section className="card narrow">
      <h1>Sign in</h1>
      <form onSubmit={submit} noValidate>
        {/* The page is there to sign in: the cursor starts where the typing does. */}
        <Field label="Username" autoComplete="username" autoFocus required {...form.field("username")} />
        <Field label="Password" type="password" autoComplete="current-password" required {...form.field("password")} />
        <FormError message={message} />
        {locked && <LockedOut secondsLeft={secondsLeft} />}
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

/**
 * The wait after too many failed sign-ins, counting down live. The alert is announced once;
 * the seconds are a `timer` (not announced on every tick), read on demand.
 */
function LockedOut({ secondsLeft }: { secondsLeft: number }) {
  return (
    <p className="alert error" data-testid="lockout">
      <span role="alert">Too many failed sign-ins. </span>
      <span role="timer" data-seconds={secondsLeft}>
        {secondsLeft > 0
          ? `You can try again in ${secondsLeft} ${secondsLeft === 1 ? "second" : "seconds"}.`
          : "You can try again now."}
      </span>
    </p>
  );
}
