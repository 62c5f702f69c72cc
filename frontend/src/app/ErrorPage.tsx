import { isRouteErrorResponse, useRouteError } from "react-router";

/**
 * A module the page needs could not be fetched: after a redeploy the old chunk names are gone
 * (Chromium: "Failed to fetch dynamically imported module", Firefox: "error loading dynamically
 * imported module", Safari: "Importing a module script failed"). A reload gets the new version.
 */
export function isChunkLoadError(error: unknown): boolean {
  const message = error instanceof Error ? `${error.name} ${error.message}` : String(error ?? "");
  return /dynamically imported module|module script failed|loading (css )?chunk|ChunkLoadError/i.test(message);
}

function describe(error: unknown): string {
  if (isRouteErrorResponse(error)) return `${error.status} ${error.statusText}`.trim();
  if (error instanceof Error) return error.message;
  return "";
}

/** What the app shows instead of React Router's developer page when a route fails. */
export function ErrorPage() {
  const error = useRouteError();
  const chunk = isChunkLoadError(error);
  const detail = describe(error);
  return (
    <section className="card narrow app-error" role="alert" data-testid="app-error">
      {chunk ? (
        <>
          <h1>A new version is available</h1>
          <p>Part of this page could not be loaded, most likely because the app was updated since you opened it.</p>
        </>
      ) : (
        <>
          <h1>Something went wrong</h1>
          <p>This page stopped working. Reloading usually helps; if it does not, try again later.</p>
          {detail && (
            <p className="muted" data-testid="app-error-detail">
              {detail}
            </p>
          )}
        </>
      )}
      <div className="actions">
        <button type="button" data-testid="reload" onClick={() => window.location.reload()}>
          Reload
        </button>
        <a href="/">Go to the start page</a>
      </div>
    </section>
  );
}
