import { useState } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { errorText } from "../../../components/ErrorMessage";
import { editForm, ListPage, RowButton } from "../../../components/ListPage";
import { showToast } from "../../../components/Toast";
import { useListPage } from "../../../components/use-list-page";
import { useAssignDevice } from "../api/assign-device";
import { useCreateDevice } from "../api/create-device";
import { useDeleteDevice } from "../api/delete-device";
import { useDevices } from "../api/list-devices";
import type { Device } from "../api/types";
import { useUpdateDevice } from "../api/update-device";
import { AssignDialog } from "./AssignDialog";
import { MeterKeyDialog } from "./MeterKeyDialog";
import { DEFAULT_INTERVAL_MINUTES, DeviceForm } from "./DeviceForm";

const EMPTY = {
  name: "",
  description: "",
  address: "",
  max_hourly_consumption_kwh: 1,
  reading_interval_minutes: DEFAULT_INTERVAL_MINUTES,
  meter_format: "ems" as const,
};

export function AdminDevicesPage() {
  const list = useListPage<Device, "assigned">({ defaultOrdering: "name", filters: ["assigned"] });
  const devices = useDevices(list.query);
  const create = useCreateDevice();
  const update = useUpdateDevice();
  const remove = useDeleteDevice();
  const unassign = useAssignDevice();
  const [assigning, setAssigning] = useState<Device | null>(null);
  const [unassigning, setUnassigning] = useState<Device | null>(null);
  const [keyOf, setKeyOf] = useState<Device | null>(null);
  // The device just created: searched for, so it is on the page whatever the sort, and marked.
  const [created, setCreated] = useState<string | null>(null);

  return (
    <ListPage
      title="Devices"
      state={list}
      query={devices}
      search={{ id: "device-search", placeholder: "name, address, owner" }}
      filters={
        <div className="field inline">
          <label htmlFor="device-assigned">Show</label>
          <select
            id="device-assigned"
            value={list.filters.assigned}
            onChange={(e) => list.setFilter("assigned", e.target.value || null)}
          >
            <option value="">All devices</option>
            <option value="true">Assigned</option>
            <option value="false">Unassigned</option>
          </select>
        </div>
      }
      tableTestId="devices-table"
      columns={[
        // The description under the name (one column less: the row's buttons fit a desktop).
        { header: "Name", sort: "name", cell: (device) => <NameAndDescription device={device} /> },
        { header: "Address", cell: (device) => device.address, truncate: (device) => device.address ?? "" },
        {
          header: (
            <>
              Max <span className="unit">kWh/h</span>
            </>
          ),
          sort: "max_hourly_consumption_kwh",
          className: "num",
          cell: (device) => device.max_hourly_consumption_kwh,
        },
        { header: "Reading every", className: "num", cell: (device) => `${device.reading_interval_minutes} min` },
        {
          header: "Owner",
          sort: "owner_username",
          cellTestId: "device-owner",
          cell: (device) => device.owner_username ?? <span className="muted">unassigned</span>,
          truncate: (device) => device.owner_username ?? "unassigned",
        },
      ]}
      noun="device"
      name={(device) => device.name}
      rowData={(device) => ({ "data-device-name": device.name, "data-device-id": device.id })}
      rowClassName={(device) => (device.id === created ? "highlight" : undefined)}
      actions={(device) => (
        <>
          {device.owner_id ? (
            <RowButton
              label="Unassign"
              name={device.name}
              onClick={() => {
                unassign.reset();
                setUnassigning(device);
              }}
            />
          ) : (
            <RowButton label="Assign" name={device.name} onClick={() => setAssigning(device)} />
          )}
          <RowButton label="Meter key" name={device.name} onClick={() => setKeyOf(device)} />
        </>
      )}
      emptyText={list.search || list.filters.assigned ? "No devices match." : "No devices yet."}
      create={{
        label: "New device",
        mutation: create,
        form: (dialog) => <DeviceForm {...dialog} initial={EMPTY} submitLabel="Create device" />,
        done: (_values, device) => {
          setCreated(device.id);
          list.searchNow(device.name);
          return `Created device ${device.name}.`;
        },
      }}
      edit={{
        mutation: update,
        form: (device, dialog) => <DeviceForm {...editForm(device, dialog)} />,
      }}
      remove={{
        mutation: remove,
        message: (device) => `Delete ${device.name} and its readings? This cannot be undone.`,
      }}
    >
      {assigning && <AssignDialog device={assigning} onClose={() => setAssigning(null)} />}
      {keyOf && <MeterKeyDialog device={keyOf} onClose={() => setKeyOf(null)} />}
      {unassigning && (
        <ConfirmDialog
          title="Unassign device"
          message={`Unassign ${unassigning.name} from ${unassigning.owner_username ?? "its owner"}? They no longer see it.`}
          confirmLabel="Unassign"
          busy={unassign.isPending}
          error={unassign.error ? errorText(unassign.error) : null}
          onCancel={() => setUnassigning(null)}
          onConfirm={() =>
            unassign.mutate(
              { id: unassigning.id, userId: null },
              {
                onSuccess: () => {
                  setUnassigning(null);
                  showToast(`Unassigned ${unassigning.name}.`);
                },
              },
            )
          }
        />
      )}
    </ListPage>
  );
}

function NameAndDescription({ device }: { device: Device }) {
  return (
    <>
      <span className="truncate cell-text" title={device.name}>
        {device.name}
      </span>
      {device.description && (
        <span className="truncate cell-text cell-note muted" title={device.description}>
          {device.description}
        </span>
      )}
    </>
  );
}
