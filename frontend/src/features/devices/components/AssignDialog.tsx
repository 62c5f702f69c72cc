import { useState, type FormEvent } from "react";
import { errorText } from "../../../components/ErrorMessage";
import { FormActions, SubmitButton } from "../../../components/FormActions";
import { Modal } from "../../../components/Modal";
import { useUsers } from "../../../api/users/list-users";
import { useAssignDevice } from "../api/assign-device";
import type { Device } from "../api/types";

/** Assign a device to a user found by (part of) their username. */
export function AssignDialog({ device, onClose }: { device: Device; onClose: () => void }) {
  const [search, setSearch] = useState("");
  const [userId, setUserId] = useState("");
  const users = useUsers({ search: search.trim(), page: 1 });
  const assign = useAssignDevice();
  const options = users.data?.results ?? [];

  function submit(event: FormEvent) {
    event.preventDefault();
    if (userId) assign.mutate({ id: device.id, userId }, { onSuccess: onClose });
  }

  return (
    <Modal title={`Assign ${device.name}`} onClose={onClose}>
      <form onSubmit={submit}>
        <div className="field">
          <label htmlFor="assign-search">Find user</label>
          <input
            id="assign-search"
            type="search"
            placeholder="part of a username"
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              setUserId("");
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="assign-user">User</label>
          <select id="assign-user" name="user" value={userId} onChange={(e) => setUserId(e.target.value)} required>
            <option value="">{users.isFetching ? "Searching…" : `Choose a user (${options.length} found)`}</option>
            {options.map((user) => (
              <option key={user.id} value={user.id}>
                {user.username}
                {user.full_name ? ` — ${user.full_name}` : ""} ({user.role})
              </option>
            ))}
          </select>
        </div>
        <FormActions error={assign.error ? errorText(assign.error) : null} onCancel={onClose}>
          <SubmitButton busy={assign.isPending} busyLabel="Assigning…" disabled={!userId}>
            Assign
          </SubmitButton>
        </FormActions>
      </form>
    </Modal>
  );
}
