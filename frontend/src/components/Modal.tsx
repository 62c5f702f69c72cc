import { useId, useLayoutEffect, useRef, type ReactNode } from "react";

interface Props {
  title: string;
  onClose: () => void;
  children: ReactNode;
}

/**
 * A dialog over the page: a native <dialog> opened with showModal(). That, rather than a focus
 * trap library, because the browser then does all of it itself: the page behind is inert (no
 * click, no focus, no typing reaches it, screen readers leave it out), Tab cycles through the
 * dialog's controls (and the browser's own toolbar, never the page), Escape closes it, the dialog
 * sits in the top layer above any toast, and closing it gives focus back to what opened it.
 */
export function Modal({ title, onClose, children }: Props) {
  const titleId = useId();
  const dialog = useRef<HTMLDialogElement>(null);

  useLayoutEffect(() => {
    const box = dialog.current;
    if (!box) return;
    const previous = document.activeElement as HTMLElement | null;
    box.showModal();
    // The first field, not the browser's choice (which could be a link in the text).
    if (!box.contains(document.activeElement)) {
      box.querySelector<HTMLElement>("input, select, textarea, button")?.focus();
    }
    return () => {
      if (box.open) box.close();
      previous?.focus(); // also when React removes the dialog without close()
    };
  }, []);

  return (
    <dialog
      ref={dialog}
      className="modal"
      aria-labelledby={titleId}
      // Escape: the browser closes the dialog (that cannot always be refused); the page follows.
      onClose={onClose}
      // A press on the backdrop lands on the <dialog> itself (its content is in .modal-body).
      onMouseDown={(event) => event.target === event.currentTarget && onClose()}
    >
      <div className="modal-body">
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </dialog>
  );
}
