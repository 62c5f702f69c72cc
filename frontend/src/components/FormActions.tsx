import type { ReactNode } from "react";

/** What a form in a dialog is handed: the request's state, Cancel, and what to do with the values. */
export interface FormDialog<V> {
  busy: boolean;
  error: unknown;
  onCancel: () => void;
  onSubmit: (values: V) => void;
}

/** What went wrong that no field shows, announced to screen readers; nothing when there is none. */
export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <p className="alert error" role="alert">
      {message}
    </p>
  );
}

interface SubmitProps {
  children: ReactNode;
  /** While the request runs the button is disabled and says `busyLabel`. */
  busy: boolean;
  busyLabel: string;
  /** Disabled for another reason (the form is not filled in yet). */
  disabled?: boolean;
}

export function SubmitButton({ children, busy, busyLabel, disabled }: SubmitProps) {
  return (
    <button type="submit" disabled={busy || disabled}>
      {busy ? busyLabel : children}
    </button>
  );
}

interface ActionsProps {
  error?: string | null;
  onCancel: () => void;
  /** The main button, after Cancel. */
  children: ReactNode;
}

/** A dialog's foot: its error, then Cancel and the main button in a row. */
export function FormActions({ error, onCancel, children }: ActionsProps) {
  return (
    <>
      <FormError message={error} />
      <div className="actions">
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
        {children}
      </div>
    </>
  );
}
