import { NavLink, Outlet, useNavigate } from "react-router";
import { authStore } from "../lib/auth-store";
import { useAuth } from "../features/auth/use-auth";
import { LiveAlerts } from "../features/monitoring/components/LiveAlerts";
import { UnreadBadge } from "../features/monitoring/components/UnreadBadge";
import { ThemeSwitch } from "../components/ThemeSwitch";
import { usePageTitle } from "./page-title";

export function Layout() {
  const auth = useAuth();
  const navigate = useNavigate();
  const user = auth.user;
  usePageTitle();

  function signOut() {
    authStore.signOut(); // the app's query cache is cleared on any sign-out (clearOnSignOut)
    navigate("/login", { replace: true });
  }

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand" aria-label="Energy Management System">
          ⚡ EMS
        </span>
        {user && (
          <nav aria-label="Main">
            {user.role === "admin" && (
              <>
                <NavLink to="/admin/users">Users</NavLink>
                <NavLink to="/admin/devices">Devices</NavLink>
                <NavLink to="/admin/tariffs">Tariffs</NavLink>
                <NavLink to="/admin/fleet">Fleet</NavLink>
              </>
            )}
            {user.role === "client" && <NavLink to="/devices">My devices</NavLink>}
            <NavLink to="/energy">Energy</NavLink>
            <NavLink to="/alerts">
              Alerts <UnreadBadge />
            </NavLink>
          </nav>
        )}
        <div className="account">
          <ThemeSwitch />
          {user && (
            <>
              <span className="muted truncate" data-testid="current-user" title={user.username}>
                {user.username} ({user.role})
              </span>
              <button type="button" className="secondary" onClick={signOut}>
                Sign out
              </button>
            </>
          )}
        </div>
      </header>
      <main className="content">
        <Outlet />
      </main>
      {user && <LiveAlerts userId={user.id} />}
    </div>
  );
}
