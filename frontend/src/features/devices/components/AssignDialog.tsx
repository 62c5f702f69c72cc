import { useState, type FormEvent } from "react";
import { errorText } from "../../../components/ErrorMessage";
import { FormActions, SubmitButton } from "../../../components/FormActions";
import { Modal } from "../../../components/Modal";
import { showToast } from "../../../components/Toast";
import { UserPicker } from "../../../components/UserPicker";
import type { UserProfile } from "../../../api/users/types";
import { useAssignDevice } from "../api/assign-device";
import type { Device } from "../api/types";

/** Assign a device to a user found by part of their username, name or e-mail. */
export function AssignDialog({ device, onClose }: { device: Device; onClose: () => void }) {
  const [user, setUser] = useState<UserProfile | null>(null);
  const assign = useAssignDevice();

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!user) return;
    assign.mutate(
      { id: device.id, userId: user.id },
      {
        onSuccess: () => {
          onClose();
          showToast(`Assigned ${device.name} to ${user.username}.`);
        },
      },
    );
  }

  return (
    <Modal title={`Assign ${device.name}`} onClose={onClose}>
      <form onSubmit={submit}>
        <UserPicker id="assign-user" value={user?.id ?? null} onChange={setUser} />
        <FormActions error={assign.error ? errorText(assign.error) : null} onCancel={onClose}>
          <SubmitButton busy={assign.isPending} busyLabel="Assigning…" disabled={!user}>
            Assign
          </SubmitButton>
        </FormActions>
      </form>
    </Modal>
  );
}
