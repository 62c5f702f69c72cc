import { useState } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { ErrorMessage, errorText } from "../../../components/ErrorMessage";
import { Loading } from "../../../components/Loading";
import { Modal } from "../../../components/Modal";
import { Pagination } from "../../../components/Pagination";
import { useAssignDevice } from "../api/assign-device";
import { useCreateDevice } from "../api/create-device";
import { useDeleteDevice } from "../api/delete-device";
import { useDevices } from "../api/list-devices";
import type { Device } from "../api/types";
import { useUpdateDevice } from "../api/update-device";
import { AssignDialog } from "./AssignDialog";
import { DeviceForm } from "./DeviceForm";
import { OwnerName } from "./OwnerName";

const PAGE_SIZE = 50;
const EMPTY = { name: "", description: "", address: "", max_hourly_consumption_kwh: 1 };

export function AdminDevicesPage() {
  const [page, setPage] = useState(1);
  const devices = useDevices(page);
  const create = useCreateDevice();
  const update = useUpdateDevice();
  const remove = useDeleteDevice();
  const unassign = useAssignDevice();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Device | null>(null);
  const [deleting, setDeleting] = useState<Device | null>(null);
  const [assigning, setAssigning] = useState<Device | null>(null);

  return (
    <section>
      <div className="page-head">
        <h1>Devices</h1>
        <button
          type="button"
          onClick={() => {
            create.reset();
            setCreating(true);
          }}
        >
          New device
        </button>
      </div>
      {unassign.error && <ErrorMessage error={unassign.error} title="Could not unassign" />}
      {devices.isPending && <Loading />}
      {devices.isError && <ErrorMessage error={devices.error} />}
      {devices.data && (
        <>
          <div className="table-wrap">
            <table data-testid="devices-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Description</th>
                  <th scope="col">Address</th>
                  <th scope="col" className="num">
                    Max kWh/h
                  </th>
                  <th scope="col">Owner</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {devices.data.results.map((device) => (
                  <tr key={device.id} data-device-name={device.name}>
                    <td>{device.name}</td>
                    <td>{device.description}</td>
                    <td>{device.address}</td>
                    <td className="num">{device.max_hourly_consumption_kwh}</td>
                    <td data-testid="device-owner">
                      <OwnerName ownerId={device.owner_id} />
                    </td>
                    <td className="row-actions">
                      <button
                        type="button"
                        className="secondary"
                        aria-label={`Edit ${device.name}`}
                        onClick={() => {
                          update.reset();
                          setEditing(device);
                        }}
                      >
                        Edit
                      </button>
                      {device.owner_id ? (
                        <button
                          type="button"
                          className="secondary"
                          aria-label={`Unassign ${device.name}`}
                          onClick={() => unassign.mutate({ id: device.id, userId: null })}
                        >
                          Unassign
                        </button>
                      ) : (
                        <button
                          type="button"
                          className="secondary"
                          aria-label={`Assign ${device.name}`}
                          onClick={() => setAssigning(device)}
                        >
                          Assign
                        </button>
                      )}
                      <button
                        type="button"
                        className="danger"
                        aria-label={`Delete ${device.name}`}
                        onClick={() => {
                          remove.reset();
                          setDeleting(device);
                        }}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
                {devices.data.results.length === 0 && (
                  <tr>
                    <td colSpan={6} className="muted">
                      No devices yet.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          <Pagination page={page} count={devices.data.count} pageSize={PAGE_SIZE} onPage={setPage} />
        </>
      )}

      {creating && (
        <Modal title="New device" onClose={() => setCreating(false)}>
          <DeviceForm
            initial={EMPTY}
            submitLabel="Create device"
            busy={create.isPending}
            error={create.error}
            onCancel={() => setCreating(false)}
            onSubmit={(data) => create.mutate(data, { onSuccess: () => setCreating(false) })}
          />
        </Modal>
      )}
      {editing && (
        <Modal title={`Edit ${editing.name}`} onClose={() => setEditing(null)}>
          <DeviceForm
            initial={editing}
            submitLabel="Save"
            busy={update.isPending}
            error={update.error}
            onCancel={() => setEditing(null)}
            onSubmit={(data) => update.mutate({ id: editing.id, data }, { onSuccess: () => setEditing(null) })}
          />
        </Modal>
      )}
      {assigning && <AssignDialog device={assigning} onClose={() => setAssigning(null)} />}
      {deleting && (
        <ConfirmDialog
          title="Delete device"
          message={`Delete ${deleting.name} and its readings? This cannot be undone.`}
          confirmLabel="Delete"
          busy={remove.isPending}
          error={remove.error ? errorText(remove.error) : null}
          onCancel={() => setDeleting(null)}
          onConfirm={() => remove.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
        />
      )}
    </section>
  );
}
