import { useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { Loading } from "../../../components/Loading";
import { browserTimeZone, todayIso } from "../../../lib/time";
import { useConsumption } from "../api/get-consumption";
import { useMonitoredDevice } from "../../../api/monitoring/get-monitored-device";
import { useMonitoredDevices } from "../../../api/monitoring/list-monitored-devices";
import { useMeterResets } from "../api/list-meter-resets";
import type { MeterReset } from "../api/types";
import { barLabelsAt, chartRows, summarize } from "../buckets";
import { formatInstant } from "../format";
import { BUCKET_NAME, periodStart, periodTitle, shiftPeriod, type Bucket, type Period } from "../period";
import { shiftDay } from "../../../lib/time";
import { useEnergySelection } from "../use-energy-selection";
import { useIsAdmin } from "../use-is-admin";
import { BucketsTable } from "./BucketsTable";
import { DeviceSelector } from "./DeviceSelector";
import { ExportButton } from "./ExportButton";
import { MeterResets } from "./MeterResets";
import { PeriodPicker } from "./PeriodPicker";
import { ServiceError } from "./ServiceError";
import { ProjectionNote, SummaryCards } from "./SummaryCards";
import { ZonePageHead } from "./ZonePageHead";

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
  if (error) throw error; // a chunk that cannot load: the app's error page offers a reload
  return charts;
}

const PHONE = "(max-width: 600px)";

function useCompact(): boolean {
  return useSyncExternalStore(
    (changed) => {
      const query = typeof window.matchMedia === "function" ? window.matchMedia(PHONE) : null;
      query?.addEventListener("change", changed);
      return () => query?.removeEventListener("change", changed);
    },
    () => typeof window.matchMedia === "function" && window.matchMedia(PHONE).matches,
  );
}

const NO_RESETS: MeterReset[] = [];

const SERIES: Record<Period, { current: string; previous: string }> = {
  day: { current: "This day", previous: "The day before" },
  week: { current: "This week", previous: "The week before" },
  month: { current: "This month", previous: "The month before" },
  year: { current: "This year", previous: "The year before" },
};

export function EnergyPage() {
  const tz = useMemo(() => browserTimeZone(), []);
  const today = todayIso();
  const isAdmin = useIsAdmin();
  // A client's devices, all of them (the select lists them); an admin's first page only, and a
  // device named in the address (a fleet link, a picked one) asked for by its id.
  const devices = useMonitoredDevices({ firstPageOnly: isAdmin });
  const [selection, select, problems] = useEnergySelection(today);
  const listed = devices.data?.find((d) => d.id === selection.deviceId);
  const named = useMonitoredDevice(isAdmin && devices.data && !listed ? selection.deviceId : null);
  const device = listed ?? named.data ?? null;
  const EnergyCharts = useCharts();
  const compact = useCompact();

  // No device in the URL (or one this user cannot see): show the first one, without a new
  // history entry.
  const unknown = !selection.deviceId || (isAdmin ? named.isError : true);
  useEffect(() => {
    const list = devices.data;
    if (list && list.length > 0 && !listed && unknown) {
      select({ deviceId: list[0].id }, true);
    }
  }, [devices.data, listed, unknown, select]);

  // A device named in the URL is asked for at once, alongside the device list; once the list is
  // in, only a device the caller may see (on the list, or for an admin found by its id).
  const deviceId = devices.data
    ? (device?.id ?? (isAdmin && named.isPending ? selection.deviceId : undefined))
    : selection.deviceId;
  const { period, date } = selection;
  const current = useConsumption(deviceId ? { deviceId, period, date, tz } : null);
  const previous = useConsumption(deviceId ? { deviceId, period, date: shiftPeriod(date, period, -1), tz } : null);
  const maxKwh = device ? Number(device.max_hourly_consumption_kwh) : null;
  const rows = useMemo(
    () => (current.data ? chartRows(current.data, previous.data ?? null, maxKwh) : []),
    [current.data, previous.data, maxKwh],
  );
  const summary = useMemo(
    () => (current.data ? summarize(current.data, rows, previous.data !== undefined) : null),
    [current.data, rows, previous.data],
  );
  // The period's local days, both included (the export's and the resets' start..end).
  const days = { start: periodStart(date, period), end: shiftDay(shiftPeriod(date, period, 1), -1) };
  // An admin's only: a reset is about the meter (its key and its replacement are the admin's).
  const resets = useMeterResets(isAdmin && deviceId ? { deviceId, ...days, tz } : null);
  // Another period's list (kept while this one loads) is not this period's: none until it comes.
  const resetList = resets.data && !resets.isPlaceholderData ? resets.data.resets : NO_RESETS;
  const resetLabels = useMemo(
    () =>
      current.data
        ? barLabelsAt(
            current.data,
            rows,
            resetList.map((reset) => reset.timestamp),
          )
        : [],
    [current.data, rows, resetList],
  );
  const title = periodTitle(date, period);
  const retry = () => {
    void devices.refetch();
    if (deviceId) {
      void current.refetch();
      void previous.refetch();
    }
  };

  return (
    <section>
      <ZonePageHead title="Energy" tz={tz} />
      {(problems.badDate || problems.badPeriod) && (
        <p className="alert warning" role="status" data-testid="bad-selection">
          {problems.badDate && (
            <>The address asks for “{problems.badDate}”, which is not a day up to today: showing today. </>
          )}
          {problems.badPeriod && <>“{problems.badPeriod}” is not a period (day, week, month or year): showing a day.</>}
        </p>
      )}
      <div className="toolbar">
        {devices.data && devices.data.length > 0 && (
          <DeviceSelector
            devices={devices.data}
            value={device?.id ?? null}
            onChange={(id) => select({ deviceId: id })}
          />
        )}
        <PeriodPicker period={period} date={date} today={today} onChange={(next) => select(next)} />
        {device && (
          <ExportButton
            what={`${device.name}, ${title}`}
            request={{
              device_id: [device.id],
              ...days,
              bucket: BUCKET_NAME[period] as Bucket,
              tz,
            }}
          />
        )}
      </div>
      {devices.isPending && <Loading label="Loading devices…" />}
      {devices.isError && (
        <ServiceError error={devices.error} what="your devices" onRetry={retry} retrying={devices.isFetching} />
      )}
      {devices.data && devices.data.length === 0 && (
        <p className="card muted" data-testid="no-devices">
          No devices to show yet. Devices appear here once they are assigned to you.
        </p>
      )}
      {!devices.isError && !(devices.data && devices.data.length === 0) && (
        <>
          <h2 className="day-title" data-testid="period-title">
            {device?.name && (
              <span className="device-name truncate" title={device.name}>
                {device.name}
              </span>
            )}
            {/* Outside the cut box: an absolute .sr-only there would sit past the screen's edge. */}
            {device?.name && <span className="sr-only"> · </span>}
            {title}
            {current.data?.partial && <span className="so-far"> · so far</span>}
          </h2>
          {current.isPending && deviceId && <Loading label={`Loading ${title}…`} />}
          {current.isError && (
            <ServiceError
              error={current.error}
              what={`the consumption for ${title}`}
              onRetry={retry}
              retrying={current.isFetching}
            />
          )}
          {current.data && summary && (
            <div
              className="energy-results"
              aria-busy={current.isFetching}
              data-period={current.data.period}
              data-start={current.data.start}
            >
              {summary.hasData ? (
                <>
                  <SummaryCards summary={summary} period={period} tz={tz} />
                  {period === "month" && <ProjectionNote summary={summary} period={period} />}
                  {EnergyCharts ? (
                    // The module's own component, the same one on every render (held in state).
                    // eslint-disable-next-line react-hooks/static-components
                    <EnergyCharts
                      rows={rows}
                      bucket={current.data.bucket}
                      names={SERIES[period]}
                      maxKwh={maxKwh}
                      compact={compact}
                      resetLabels={resetLabels}
                    />
                  ) : (
                    <Loading label="Loading charts…" />
                  )}
                  <BucketsTable rows={rows} period={period} />
                  <MeterResets resets={resetList} tz={tz} title={title} />
                  {resets.isError && device && (
                    <ServiceError
                      error={resets.error}
                      what="the meter resets"
                      onRetry={() => void resets.refetch()}
                      retrying={resets.isFetching}
                    />
                  )}
                </>
              ) : (
                <p className="card empty" data-testid="no-data">
                  No readings for {device?.name} in {title}
                  {current.data.partial && current.data.last_reading_at
                    ? ` (last reading ${formatInstant(current.data.last_reading_at, tz)})`
                    : ""}
                  .
                </p>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}
