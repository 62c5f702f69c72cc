import { useId, useLayoutEffect, useRef, type KeyboardEvent, type ReactNode } from "react";
import { tabbable, type FocusableElement } from "tabbable";

interface Props {
  title: string;
  onClose: () => void;
  children: ReactNode;
}

// Tabbable means shown too: `full-native` asks the browser (Element.checkVisibility).
const TABBABLE = { displayCheck: "full-native" } as const;

/** Tab from the last control goes to the first, Shift+Tab from the first to the last. */
export function wrapTab(event: KeyboardEvent<HTMLElement>, box: HTMLElement): void {
  if (event.key !== "Tab") return;
  const controls: FocusableElement[] = tabbable(box, TABBABLE);
  if (controls.length === 0) return;
  const first = controls[0];
  const last = controls[controls.length - 1];
  const active = document.activeElement;
  if (event.shiftKey && (active === first || !box.contains(active))) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && active === last) {
    event.preventDefault();
    first.focus();
  }
}

/**
 * A dialog over the page: a native <dialog> opened with showModal(), rather than focus-trap-react,
 * because the browser then makes everything behind it inert (no click, no focus, no typing into
 * the page's search box while a form saves, hidden from screen readers too) and puts it in the
 * top layer, centred in the viewport whatever the page's width. What showModal() leaves out is
 * done here: Tab cycles inside (the browser would let it out to its own toolbar after the last
 * control), and focus goes back to where it was when the dialog closes (React removes the element,
 * which the browser's own restoring does not cover). Escape and a click on the backdrop close it.
 */
export function Modal({ title, onClose, children }: Props) {
  const titleId = useId();
  const dialog = useRef<HTMLDialogElement>(null);

  // A layout effect: open before paint, and close before React removes the element.
  useLayoutEffect(() => {
    const element = dialog.current;
    const previous = document.activeElement as HTMLElement | null;
    if (!element) return;
    if (!element.open) element.showModal();
    tabbable(element, TABBABLE)[0]?.focus();
    return () => {
      if (element.open) element.close();
      previous?.focus();
    };
  }, []);

  return (
    <dialog
      ref={dialog}
      className="modal"
      aria-labelledby={titleId}
      data-testid="modal"
      onCancel={(event) => {
        event.preventDefault(); // React closes it by unmounting, after the owner agrees
        onClose();
      }}
      onKeyDown={(event) => dialog.current && wrapTab(event, dialog.current)}
      // The dialog fills its box with .modal-body, so a press on the dialog itself is on the backdrop.
      onMouseDown={(event) => event.target === event.currentTarget && onClose()}
    >
      <div className="modal-body">
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </dialog>
  );
}
