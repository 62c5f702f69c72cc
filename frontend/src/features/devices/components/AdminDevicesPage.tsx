import { useState } from "react";
import { ErrorMessage } from "../../../components/ErrorMessage";
import { ListPage, RowButton } from "../../../components/ListPage";
import { useListPage } from "../../../components/use-list-page";
import { useAssignDevice } from "../api/assign-device";
import { useCreateDevice } from "../api/create-device";
import { useDeleteDevice } from "../api/delete-device";
import { useDevices } from "../api/list-devices";
import type { Device } from "../api/types";
import { useUpdateDevice } from "../api/update-device";
import { AssignDialog } from "./AssignDialog";
import { DEFAULT_INTERVAL_MINUTES, DeviceForm } from "./DeviceForm";
import { OwnerName } from "./OwnerName";

const EMPTY = {
  name: "",
  description: "",
  address: "",
  max_hourly_consumption_kwh: 1,
  reading_interval_minutes: DEFAULT_INTERVAL_MINUTES,
};

export function AdminDevicesPage() {
  const list = useListPage<Device>();
  const devices = useDevices(list.page);
  const create = useCreateDevice();
  const update = useUpdateDevice();
  const remove = useDeleteDevice();
  const unassign = useAssignDevice();
  const [assigning, setAssigning] = useState<Device | null>(null);

  return (
    <ListPage
      title="Devices"
      newLabel="New device"
      state={list}
      query={devices}
      notice={unassign.error && <ErrorMessage error={unassign.error} title="Could not unassign" />}
      tableTestId="devices-table"
      columns={[
        { header: "Name", cell: (device) => device.name },
        { header: "Description", cell: (device) => device.description },
        { header: "Address", cell: (device) => device.address },
        { header: "Max kWh/h", className: "num", cell: (device) => device.max_hourly_consumption_kwh },
        { header: "Reading every", className: "num", cell: (device) => `${device.reading_interval_minutes} min` },
        { header: "Owner", cellTestId: "device-owner", cell: (device) => <OwnerName ownerId={device.owner_id} /> },
      ]}
      name={(device) => device.name}
      rowData={(device) => ({ "data-device-name": device.name })}
      actions={(device) =>
        device.owner_id ? (
          <RowButton
            label="Unassign"
            name={device.name}
            onClick={() => unassign.mutate({ id: device.id, userId: null })}
          />
        ) : (
          <RowButton label="Assign" name={device.name} onClick={() => setAssigning(device)} />
        )
      }
      emptyText="No devices yet."
      create={{
        mutation: create,
        form: (dialog) => <DeviceForm {...dialog} initial={EMPTY} submitLabel="Create device" />,
      }}
      edit={{
        mutation: update,
        form: (device, dialog) => (
          <DeviceForm
            {...dialog}
            initial={device}
            submitLabel="Save"
            onSubmit={(data) => dialog.onSubmit({ id: device.id, data })}
          />
        ),
      }}
      remove={{
        mutation: remove,
        title: "Delete device",
        message: (device) => `Delete ${device.name} and its readings? This cannot be undone.`,
        confirm: (device, close) => remove.mutate(device.id, { onSuccess: close }),
      }}
    >
      {assigning && <AssignDialog device={assigning} onClose={() => setAssigning(null)} />}
    </ListPage>
  );
}
