import { ApiError } from "../../../lib/api-client";

/**
 * What failed, in words: a fetch that never got an answer (TypeError: Failed to fetch) or a
 * gateway's 502/503/504 means the monitoring service is not answering; a 4xx keeps the API's
 * own message.
 */
export function serviceErrorText(error: unknown, what: string): string {
  if (error instanceof ApiError) {
    if (error.status >= 500) {
      return `The monitoring service is not answering (the server answered ${error.status}), so ${what} cannot be shown.`;
    }
    return `Could not load ${what}: ${error.message}`;
  }
  if (error instanceof TypeError || (error instanceof Error && /fetch|network/i.test(error.message))) {
    return `The monitoring service is not answering (no connection), so ${what} cannot be shown.`;
  }
  return `Could not load ${what}.`;
}

interface Props {
  error: unknown;
  what: string;
  onRetry: () => void;
  retrying?: boolean;
}

export function ServiceError({ error, what, onRetry, retrying = false }: Props) {
  return (
    <div className="alert error service-error" role="alert" data-testid="service-error">
      <span>{serviceErrorText(error, what)}</span>
      <button type="button" className="secondary" onClick={onRetry} disabled={retrying} data-testid="retry">
        {retrying ? "Retrying…" : "Retry"}
      </button>
    </div>
  );
}
