import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeWebSocket } from "../../test/fake-websocket";
import { alertSocketUrl, backoffDelay, connectAlertSocket } from "./alerts-socket";

const ALERT = {
  id: "al-1",
  device_id: "dev-1",
  device_name: "Kitchen",
  hour_start: "2025-06-01T16:00:00Z",
  kwh: 3,
  max_kwh: 2,
  created_at: "2025-06-01T16:50:00Z",
  read_at: null,
};

function connect(overrides: Partial<Parameters<typeof connectAlertSocket>[0]> = {}) {
  const onAlert = vi.fn();
  const refreshToken = vi.fn(async () => true);
  let token = 1;
  const stop = connectAlertSocket({
    url: () => `ws://gateway/api/monitoring/ws/?token=t${token++}`,
    onAlert,
    refreshToken,
    createSocket: (url) => new FakeWebSocket(url) as unknown as WebSocket,
    minDelayMs: 1000,
    maxDelayMs: 8000,
    random: () => 1,
    ...overrides,
  });
  return { onAlert, refreshToken, stop };
}

describe("connectAlertSocket", () => {
  beforeEach(() => {
    FakeWebSocket.instances = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it("hands overconsumption alerts on and ignores other messages", () => {
    const { onAlert } = connect();
    FakeWebSocket.last().open();
    FakeWebSocket.last().receive({ type: "hello", user_id: "u" });
    FakeWebSocket.last().receive({ type: "overconsumption", alert: ALERT });
    expect(onAlert).toHaveBeenCalledTimes(1);
    expect(onAlert).toHaveBeenCalledWith(ALERT);
  });

  it("tells the page when a socket opens again after a drop, not on the first open", async () => {
    const onReconnect = vi.fn();
    connect({ onReconnect });
    FakeWebSocket.last().open();
    expect(onReconnect).not.toHaveBeenCalled();
    const before = FakeWebSocket.instances.length;
    FakeWebSocket.last().serverClose(1006);
    while (FakeWebSocket.instances.length === before) await vi.advanceTimersByTimeAsync(250);
    FakeWebSocket.last().open();
    expect(onReconnect).toHaveBeenCalledTimes(1);
  });

  it("reconnects after a dropped socket with a doubling, capped delay, reset once one opens", async () => {
    connect();
    FakeWebSocket.last().open();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = FakeWebSocket.instances.length;
      FakeWebSocket.last().serverClose(1006);
      let waited = 0;
      while (FakeWebSocket.instances.length === before) {
        await vi.advanceTimersByTimeAsync(250);
        waited += 250;
      }
      delays.push(waited);
    }
    // Only the first socket opened: 1 s, then 2, 4, 8, 8 (capped). Refused handshakes refresh
    // the token first, which is immediate here.
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000]);
    FakeWebSocket.last().open();
    const before = FakeWebSocket.instances.length;
    FakeWebSocket.last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeWebSocket.instances.length).toBe(before + 1);
  });

  it("refreshes the token before reconnecting when the handshake was refused or the token ran out", async () => {
    const { refreshToken } = connect();
    FakeWebSocket.last().serverClose(1006); // never opened: refused
    await vi.advanceTimersByTimeAsync(1000);
    expect(refreshToken).toHaveBeenCalledTimes(1);
    expect(FakeWebSocket.last().url).toContain("token=t2");
    FakeWebSocket.last().open();
    FakeWebSocket.last().serverClose(4401);
    await vi.advanceTimersByTimeAsync(1000);
    expect(refreshToken).toHaveBeenCalledTimes(2);
    FakeWebSocket.last().open();
    FakeWebSocket.last().serverClose(1001); // server going away: same token is fine
    await vi.advanceTimersByTimeAsync(1000);
    expect(refreshToken).toHaveBeenCalledTimes(2);
  });

  it("closes for good when stopped, without reconnecting", async () => {
    const { stop } = connect();
    const socket = FakeWebSocket.last();
    socket.open();
    stop();
    expect(socket.closedWith).toBe(1000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });
});

describe("alertSocketUrl and backoffDelay", () => {
  it("builds the socket URL on this host, wss under https", () => {
    const http = { protocol: "http:", host: "127.0.0.1:8080" } as Location;
    const https = { protocol: "https:", host: "ems.example" } as Location;
    expect(alertSocketUrl("a.b c", http)).toBe("ws://127.0.0.1:8080/api/monitoring/ws/?token=a.b%20c");
    expect(alertSocketUrl("t", https)).toBe("wss://ems.example/api/monitoring/ws/?token=t");
    expect(alertSocketUrl(null, http)).toBeNull();
  });

  it("keeps a jittered delay between half and all of the capped ceiling", () => {
    expect(backoffDelay(0, 1000, 30_000, () => 0)).toBe(500);
    expect(backoffDelay(3, 1000, 30_000, () => 1)).toBe(8000);
    expect(backoffDelay(10, 1000, 30_000, () => 0.5)).toBe(22_500);
  });
});
