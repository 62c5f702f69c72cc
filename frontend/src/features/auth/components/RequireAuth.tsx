import type { ReactNode } from "react";
import { Link, Navigate, useLocation } from "react-router";
import { Loading } from "../../../components/Loading";
import type { Role } from "../../../lib/auth-store";
import { homePathFor, useAuth } from "../use-auth";

interface Props {
  /** The role a page needs; without it any signed-in user may see it. */
  role?: Role;
  children: ReactNode;
}

/**
 * Signed-out visitors go to /login (and come back afterwards); a signed-in user without the
 * role sees "not allowed" and the page's children never mount, so no admin data is asked for.
 */
export function RequireAuth({ role, children }: Props) {
  const auth = useAuth();
  const location = useLocation();

  if (auth.status === "loading") return <Loading label="Signing you in…" />;
  if (auth.status === "signedOut") {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  }
  if (role && auth.user.role !== role) {
    return (
      <section className="card narrow" data-testid="not-allowed">
        <h1>Not allowed</h1>
        <p>
          This page is for {role}s only. You are signed in as {auth.user.username}.
        </p>
        <Link to={homePathFor(auth.user.role)}>Go to your page</Link>
      </section>
    );
  }
  return <>{children}</>;
}
