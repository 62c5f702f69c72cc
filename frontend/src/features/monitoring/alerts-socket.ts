import type { Alert } from "./api/types";

export interface AlertSocketOptions {
  /** The socket's URL with a current access token, or null when nobody is signed in. */
  url: () => string | null;
  onAlert: (alert: Alert) => void;
  /** A socket opened again after one closed: alerts raised in between were not pushed. */
  onReconnect?: () => void;
  /** A fresh access token, asked for when the server refused or ended the socket's token. */
  refreshToken: () => Promise<boolean>;
  createSocket?: (url: string) => WebSocket;
  minDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
}

// Close code the server uses when the socket's access token expires.
const TOKEN_EXPIRED = 4401;

/** ws(s)://<this host>/api/monitoring/ws/?token=... (through the gateway, or Vite's proxy). */
export function alertSocketUrl(token: string | null, location: Location = window.location): string | null {
  if (!token) return null;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/api/monitoring/ws/?token=${encodeURIComponent(token)}`;
}

/** Delay before reconnect attempt `attempt` (0-based): doubling, capped, with jitter. */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * Keep a WebSocket to the live alerts open: reconnect after any close with capped exponential
 * backoff (reset once a socket opens), refreshing the access token first when the handshake
 * was refused or the token ran out. Returns a function that closes it for good.
 */
export function connectAlertSocket(options: AlertSocketOptions): () => void {
  const create = options.createSocket ?? ((url: string) => new WebSocket(url));
  const minDelay = options.minDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;
  let socket: WebSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let stopped = false;
  let everOpened = false;

  function open() {
    timer = null;
    const url = options.url();
    if (stopped || !url) return;
    let opened = false;
    const current = create(url);
    socket = current;
    current.onopen = () => {
      opened = true;
      attempt = 0;
      if (everOpened) options.onReconnect?.();
      everOpened = true;
    };
    current.onmessage = (event: MessageEvent) => {
      try {
        const message = JSON.parse(String(event.data));
        if (message?.type === "overconsumption" && message.alert) options.onAlert(message.alert as Alert);
      } catch {
        // not JSON: nothing the page can show
      }
    };
    current.onclose = (event: CloseEvent) => {
      if (stopped || socket !== current) return;
      socket = null;
      const needsToken = !opened || event.code === TOKEN_EXPIRED;
      const delay = backoffDelay(attempt, minDelay, maxDelay, random);
      attempt += 1;
      timer = setTimeout(() => {
        if (stopped) return;
        if (needsToken) {
          void options.refreshToken().finally(() => !stopped && open());
        } else {
          open();
        }
      }, delay);
    };
  }

  open();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    if (socket) {
      socket.onclose = null;
      socket.close(1000);
      socket = null;
    }
  };
}
