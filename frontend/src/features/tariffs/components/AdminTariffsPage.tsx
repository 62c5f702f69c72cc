import { useState } from "react";
import { editForm, ListPage, PAGE_SIZE } from "../../../components/ListPage";
import { useListPage } from "../../../components/use-list-page";
import { browserTimeZone, todayIso } from "../../../lib/time";
import { useMonitoredDevice } from "../../../api/monitoring/get-monitored-device";
import { useMonitoredDevicePage } from "../../../api/monitoring/list-monitored-devices";
import { Pagination } from "../../../components/Pagination";
import { useCreateTariff, useDeleteTariff, useTariffs, useUpdateTariff } from "../api/tariffs";
import type { Tariff, TariffInput } from "../api/types";
import { flatRates, ratesSummary } from "../rates";
import { TariffForm } from "./TariffForm";
import { TableBox } from "../../../components/TableBox";

function emptyTariff(): TariffInput {
  return {
    name: "",
    currency: "EUR",
    device_id: null,
    valid_from: todayIso(),
    tz: browserTimeZone(),
    rates: flatRates(""),
  };
}

/** Which tariff is in force now for each device (monitoring's device list says), a page at a time. */
function DeviceTariffs() {
  const [page, setPage] = useState(1);
  const devices = useMonitoredDevicePage(page);
  const rows = devices.data?.results ?? [];
  return (
    <section className="device-tariffs">
      <h2>Which device uses which</h2>
      <TableBox label="Which device uses which">
        <table data-testid="device-tariffs">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Tariff in force now</th>
              <th scope="col">Currency</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((device) => (
              <tr key={device.id} data-device-name={device.name}>
                <td className="truncate" title={device.name}>
                  {device.name}
                </td>
                <td>{device.tariff ? device.tariff.name : <span className="muted">no tariff</span>}</td>
                <td>{device.tariff?.currency ?? "—"}</td>
              </tr>
            ))}
            {devices.data && rows.length === 0 && (
              <tr>
                <td colSpan={3} className="muted">
                  No devices yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </TableBox>
      {devices.data && devices.data.count > PAGE_SIZE && (
        <Pagination
          label="Pages of devices"
          page={page}
          count={devices.data.count}
          pageSize={PAGE_SIZE}
          onPage={setPage}
        />
      )}
    </section>
  );
}

/** A tariff's device by name (looked up by its id, cached), or Default for none. */
function TariffDevice({ id }: { id: string | null }) {
  const device = useMonitoredDevice(id);
  if (id === null) return <>Default</>;
  if (device.isError) return <span className="muted">unknown device</span>;
  return <>{device.data?.name ?? "…"}</>;
}

export function AdminTariffsPage() {
  const list = useListPage<Tariff>({ defaultOrdering: "" });
  const tariffs = useTariffs(list.page);
  const create = useCreateTariff();
  const update = useUpdateTariff();
  const remove = useDeleteTariff();

  return (
    <ListPage
      title="Tariffs"
      state={list}
      query={tariffs}
      tableTestId="tariffs-table"
      columns={[
        { header: "Name", cell: (tariff) => tariff.name },
        { header: "Device", cell: (tariff) => <TariffDevice id={tariff.device_id} /> },
        { header: "Valid from", className: "nowrap", cell: (tariff) => tariff.valid_from },
        { header: "Currency", cell: (tariff) => tariff.currency },
        { header: "Time zone", cell: (tariff) => tariff.tz },
        { header: "Rates", cell: (tariff) => ratesSummary(tariff.rates) },
      ]}
      noun="tariff"
      name={(tariff) => tariff.name}
      rowData={(tariff) => ({ "data-tariff-name": tariff.name })}
      emptyText="No tariffs yet: every device is unpriced."
      create={{
        label: "New tariff",
        mutation: create,
        form: (dialog) => <TariffForm {...dialog} initial={emptyTariff()} submitLabel="Create tariff" />,
        done: (values) => `Created tariff ${values.name}.`,
      }}
      edit={{
        mutation: update,
        form: (tariff, dialog) => <TariffForm {...editForm(tariff, dialog)} />,
      }}
      remove={{
        mutation: remove,
        message: (tariff) =>
          `Delete the tariff ${tariff.name}? Costs it priced are priced by the tariff in force before it, or not at all.`,
      }}
    >
      <DeviceTariffs />
    </ListPage>
  );
}
