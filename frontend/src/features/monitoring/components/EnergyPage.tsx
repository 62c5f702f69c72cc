import { useEffect, useMemo, useState } from "react";
import { ErrorMessage } from "../../../components/ErrorMessage";
import { Loading } from "../../../components/Loading";
import { browserTimeZone, longDay } from "../../../lib/time";
import { useDailyConsumption } from "../api/get-daily-consumption";
import { useMonitoredDevices } from "../api/list-monitored-devices";
import { chartRows, summarize } from "../summary";
import { useEnergySelection } from "../use-energy-selection";
import { DatePicker } from "./DatePicker";
import { DeviceSelector } from "./DeviceSelector";
import { HoursTable } from "./HoursTable";
import { SummaryCards } from "./SummaryCards";

type Charts = (typeof import("./EnergyCharts"))["default"];

/**
 * The charts' module (Recharts), fetched when the page mounts, alongside the data. Held in state
 * rather than React.lazy: a suspended lazy component is revealed on React's 300 ms throttle,
 * which here cost a third of the time to the first bar.
 */
function useCharts(): Charts | null {
  const [charts, setCharts] = useState<Charts | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    import("./EnergyCharts").then(
      (module) => live && setCharts(() => module.default),
      (failure: unknown) => live && setError(failure),
    );
    return () => {
      live = false;
    };
  }, []);
  if (error) throw error; // a chunk that cannot load: the route's error page says so
  return charts;
}

export function EnergyPage() {
  const tz = useMemo(() => browserTimeZone(), []);
  const devices = useMonitoredDevices();
  const [selection, select] = useEnergySelection();
  const device = devices.data?.find((d) => d.id === selection.deviceId) ?? null;
  const EnergyCharts = useCharts();

  // No device in the URL (or one this user cannot see): show the first one, without a new
  // history entry.
  useEffect(() => {
    const list = devices.data;
    if (list && list.length > 0 && !list.some((d) => d.id === selection.deviceId)) {
      select({ deviceId: list[0].id }, true);
    }
  }, [devices.data, selection.deviceId, select]);

  // A device named in the URL is asked for at once, alongside the device list; once the list is
  // in, only a device on it.
  const dailyDeviceId = devices.data ? device?.id : selection.deviceId;
  const daily = useDailyConsumption(dailyDeviceId ? { deviceId: dailyDeviceId, date: selection.date, tz } : null);
  const maxKwh = device ? Number(device.max_hourly_consumption_kwh) : null;
  const rows = useMemo(() => (daily.data ? chartRows(daily.data, maxKwh) : []), [daily.data, maxKwh]);
  const summary = useMemo(() => (daily.data ? summarize(daily.data) : null), [daily.data]);

  return (
    <section>
      <div className="page-head">
        <h1>Energy</h1>
        <span className="muted">Time zone: {tz}</span>
      </div>
      {devices.isPending && <Loading label="Loading devices…" />}
      {devices.isError && <ErrorMessage error={devices.error} />}
      {devices.data && devices.data.length === 0 && (
        <p className="card muted" data-testid="no-devices">
          No devices to show yet. Devices appear here once they are assigned to you.
        </p>
      )}
      {devices.data && devices.data.length > 0 && (
        <>
          <div className="toolbar">
            <DeviceSelector
              devices={devices.data}
              value={device?.id ?? null}
              onChange={(id) => select({ deviceId: id })}
            />
            <DatePicker value={selection.date} onChange={(date) => select({ date })} />
          </div>
          <h2 className="day-title">
            {device?.name} · {longDay(selection.date)}
          </h2>
          {daily.isPending && device && <Loading label="Loading consumption…" />}
          {daily.isError && <ErrorMessage error={daily.error} />}
          {daily.data && summary && (
            <div className={daily.isPlaceholderData ? "stale" : undefined} aria-busy={daily.isFetching}>
              {summary.hasData ? (
                <>
                  <SummaryCards summary={summary} />
                  {EnergyCharts ? (
                    // The module's own component, the same one on every render (held in state).
                    // eslint-disable-next-line react-hooks/static-components
                    <EnergyCharts rows={rows} maxKwh={maxKwh} />
                  ) : (
                    <Loading label="Loading charts…" />
                  )}
                  <HoursTable rows={rows} />
                </>
              ) : (
                <p className="card empty" data-testid="no-data">
                  No readings for {device?.name} on {longDay(selection.date)}.
                </p>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}
