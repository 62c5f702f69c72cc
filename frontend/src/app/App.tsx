import { QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { createBrowserRouter, Link, Navigate, RouterProvider, type RouteObject } from "react-router";
import { ErrorPage } from "./ErrorPage";
import { Layout } from "./Layout";
import { LoginPage } from "../features/auth/components/LoginPage";
import { RegisterPage } from "../features/auth/components/RegisterPage";
import { RequireAuth } from "../features/auth/components/RequireAuth";
import { restoreSession } from "../features/auth/api/restore-session";
import { homePathFor, useAuth } from "../features/auth/use-auth";
import { AdminDevicesPage } from "../features/devices/components/AdminDevicesPage";
import { MyDevicesPage } from "../features/devices/components/MyDevicesPage";
import { AlertsPage } from "../features/monitoring/components/AlertsPage";
import { EnergyPage } from "../features/monitoring/components/EnergyPage";
import { AdminTariffsPage } from "../features/tariffs/components/AdminTariffsPage";
import { FleetPage } from "../features/monitoring/components/FleetPage";
import { UsersPage } from "../features/users/components/UsersPage";
import { clearOnSignOut, createQueryClient } from "../lib/query-client";
import { Loading } from "../components/Loading";

function Home() {
  const auth = useAuth();
  if (auth.status === "loading") return <Loading label="Signing you in…" />;
  return <Navigate to={auth.status === "signedIn" ? homePathFor(auth.user.role) : "/login"} replace />;
}

function NotFound() {
  return (
    <section className="card narrow" data-testid="not-found">
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <Link to="/">Go to the start page</Link>
    </section>
  );
}

export const routes: RouteObject[] = [
  {
    element: <Layout />,
    // A failure in the layout itself (no header to keep).
    errorElement: <ErrorPage />,
    children: [
      {
        // A failing page (a chunk that cannot load after a redeploy, a bug) shows the app's
        // error page inside the layout, with the navigation still there.
        errorElement: <ErrorPage />,
        children: [
          { index: true, element: <Home /> },
          { path: "login", element: <LoginPage />, handle: { title: "Sign in" } },
          { path: "register", element: <RegisterPage />, handle: { title: "Register" } },
          { path: "admin", element: <Navigate to="/admin/users" replace /> },
          {
            path: "admin/users",
            handle: { title: "Users" },
            element: (
              <RequireAuth role="admin">
                <UsersPage />
              </RequireAuth>
            ),
          },
          {
            path: "admin/devices",
            handle: { title: "Devices" },
            element: (
              <RequireAuth role="admin">
                <AdminDevicesPage />
              </RequireAuth>
            ),
          },
          {
            path: "admin/tariffs",
            handle: { title: "Tariffs" },
            element: (
              <RequireAuth role="admin">
                <AdminTariffsPage />
              </RequireAuth>
            ),
          },
          {
            path: "admin/fleet",
            handle: { title: "Fleet" },
            element: (
              <RequireAuth role="admin">
                <FleetPage />
              </RequireAuth>
            ),
          },
          {
            path: "admin/*",
            handle: { title: "Page not found" },
            element: (
              <RequireAuth role="admin">
                <NotFound />
              </RequireAuth>
            ),
          },
          {
            path: "devices",
            handle: { title: "My devices" },
            element: (
              <RequireAuth>
                <MyDevicesPage />
              </RequireAuth>
            ),
          },
          {
            path: "energy",
            handle: { title: "Energy" },
            element: (
              <RequireAuth>
                <EnergyPage />
              </RequireAuth>
            ),
          },
          {
            path: "alerts",
            handle: { title: "Alerts" },
            element: (
              <RequireAuth>
                <AlertsPage />
              </RequireAuth>
            ),
          },
          { path: "*", element: <NotFound />, handle: { title: "Page not found" } },
        ],
      },
    ],
  },
];

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(() => createBrowserRouter(routes));
  useEffect(() => clearOnSignOut(queryClient), [queryClient]);
  useEffect(() => {
    void restoreSession();
  }, []);
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
