import { NavLink, Outlet, useNavigate } from "react-router";
import { endSession } from "../features/auth/api/logout";
import { useAuth } from "../features/auth/use-auth";
import { LiveAlerts } from "../features/monitoring/components/LiveAlerts";
import { UnreadBadge } from "../features/monitoring/components/UnreadBadge";

export function Layout() {
  const auth = useAuth();
  const navigate = useNavigate();
  const user = auth.user;

  function signOut() {
    void endSession(); // the app's query cache is cleared on any sign-out (clearOnSignOut)
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
        {user && (
          <div className="account">
            <span className="muted" data-testid="current-user">
              {user.username} ({user.role})
            </span>
            <button type="button" className="secondary" onClick={signOut}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <main className="content">
        <Outlet />
      </main>
      {user && <LiveAlerts userId={user.id} />}
    </div>
  );
}
