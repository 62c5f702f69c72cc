import type { components } from "../api/generated/auth";
import { authStore } from "./auth-store";

type Access = components["schemas"]["Access"];

/** One error entry of the services' shared error shape. */
export interface ApiErrorItem {
  code: string;
  detail: string;
  attr: string | null;
}

export class ApiError extends Error {
  readonly status: number;
  readonly errors: ApiErrorItem[];
  /** Seconds to wait before asking again (a 429's `Retry-After`), if the answer said. */
  readonly retryAfter: number | null;

  constructor(status: number, errors: ApiErrorItem[], retryAfter: number | null = null) {
    super(errors.map((e) => (e.attr ? `${e.attr}: ${e.detail}` : e.detail)).join(" ") || `HTTP ${status}`);
    this.status = status;
    this.errors = errors;
    this.retryAfter = retryAfter;
  }

  /** Messages per field (`attr`); those without a field under "". */
  fieldErrors(): Record<string, string> {
    const fields: Record<string, string> = {};
    for (const error of this.errors) {
      const key = error.attr ?? "";
      fields[key] = fields[key] ? `${fields[key]} ${error.detail}` : error.detail;
    }
    return fields;
  }
}

/** DRF's page (the generated `Paginated*List` types have this shape, one per item type). */
export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** Query parameters: blank, null and undefined ones are left out. */
export type Query = Record<string, string | number | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function toApiError(response: Response): Promise<ApiError> {
  let errors: ApiErrorItem[] = [];
  try {
    const body = await response.json();
    if (Array.isArray(body?.errors)) errors = body.errors;
    else if (typeof body?.detail === "string") errors = [{ code: "error", detail: body.detail, attr: null }];
  } catch {
    // not JSON (a gateway error page): the status says enough
  }
  if (errors.length === 0) {
    errors = [{ code: "http_error", detail: `The server answered ${response.status}.`, attr: null }];
  }
  return new ApiError(response.status, errors, retryAfterSeconds(response.headers.get("Retry-After")));
}

/** `Retry-After` in its delay-seconds form (the services never send the HTTP-date form). */
function retryAfterSeconds(header: string | null): number | null {
  if (header === null || !/^\d+$/.test(header.trim())) return null;
  return Number(header.trim());
}

let refreshing: Promise<boolean> | null = null;

/**
 * A new access token from the refresh cookie: an empty body tells the auth service to use the
 * cookie, which the browser sends only to same-origin /api/auth/ requests. One refresh at a
 * time: parallel 401s wait for the same new access token.
 */
export function refreshAccessToken(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const response = await fetch("/api/auth/refresh/", {
        method: "POST",
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) return false;
      const body = (await response.json()) as Access;
      authStore.setAccessToken(body.access);
      return true;
    } catch {
      return false;
    }
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

interface RequestOptions {
  method?: string;
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
  /** Calls made before signing in (login, register) send no token and never refresh. */
  anonymous?: boolean;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const token = options.anonymous ? null : authStore.accessToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  return fetch(withQuery(path, options.query), {
    method: options.method ?? "GET",
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
}

/**
 * A JSON call to the API through the gateway. A 401 refreshes the access token once and
 * retries; if that fails too, the user is signed out.
 */
export async function apiFetch<T>(path: string, options: RequestOptions = {}): Promise<T> {
  let response = await send(path, options);
  if (response.status === 401 && !options.anonymous) {
    if (await refreshAccessToken()) {
      response = await send(path, options);
    }
    if (response.status === 401) {
      authStore.signOut();
    }
  }
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Every page of a paginated list (the lists here are small: devices of a user). */
export async function fetchAllPages<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; page <= 100; page++) {
    const body = await apiFetch<Page<T>>(path, { query: { ...query, page }, signal });
    items.push(...body.results);
    if (!body.next) break;
  }
  return items;
}
