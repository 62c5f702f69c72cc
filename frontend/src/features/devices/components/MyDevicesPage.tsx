import { Link, useSearchParams } from "react-router";
import { ErrorMessage } from "../../../components/ErrorMessage";
import { PAGE_SIZE } from "../../../components/ListPage";
import { Loading } from "../../../components/Loading";
import { Pagination } from "../../../components/Pagination";
import { useDevices } from "../api/list-devices";

/** A client's own devices, 50 a page, each with its maximum hourly consumption and a link to its chart. */
export function MyDevicesPage() {
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number.parseInt(params.get("page") ?? "", 10) || 1);
  const devices = useDevices({ page });
  return (
    <section>
      <h1>My devices</h1>
      {devices.isPending && <Loading />}
      {devices.isError && <ErrorMessage error={devices.error} />}
      {devices.data && devices.data.results.length === 0 && (
        <p className="card muted" data-testid="no-devices">
          No devices are assigned to you yet. An administrator assigns them.
        </p>
      )}
      <ul className="device-cards" data-testid="my-devices">
        {devices.data?.results.map((device) => (
          <li key={device.id} className="card">
            <h2 className="truncate" title={device.name}>
              {device.name}
            </h2>
            {device.description && <p>{device.description}</p>}
            {device.address && <p className="muted">{device.address}</p>}
            <p>
              Max hourly consumption: <strong>{device.max_hourly_consumption_kwh} kWh</strong>
            </p>
            <Link to={`/energy?device=${device.id}`}>View energy use →</Link>
          </li>
        ))}
      </ul>
      {devices.data && devices.data.count > PAGE_SIZE && (
        <Pagination
          page={page}
          count={devices.data.count}
          pageSize={PAGE_SIZE}
          onPage={(next) => setParams(next > 1 ? { page: String(next) } : {})}
        />
      )}
    </section>
  );
}
