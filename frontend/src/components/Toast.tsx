import { useSyncExternalStore } from "react";
import "./toast.css";

/** How long a toast stays: long enough to read a sentence, short enough not to pile up. */
const TOAST_MS = 6_000;
const MAX_TOASTS = 3;

interface Toast {
  id: number;
  message: string;
}

// A module store (like authStore): any component, dialog or mutation callback can say that an
// action completed without a provider around the app; the <Toaster /> regions show them.
let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit(next: Toast[]): void {
  toasts = next;
  listeners.forEach((listener) => listener());
}

export function dismissToast(id: number): void {
  emit(toasts.filter((toast) => toast.id !== id));
}

/** Say that an action completed ("Created device Kitchen."); it goes away by itself. */
export function showToast(message: string): void {
  const toast = { id: nextId++, message };
  emit([...toasts, toast].slice(-MAX_TOASTS));
  setTimeout(() => dismissToast(toast.id), TOAST_MS);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Where the toasts show: a polite live region, in the page from the start so that a screen
 * reader announces what is added to it. Plain CSS classes (toast.css): the CSP allows no
 * injected `<style>`, which is why no toast library is used.
 */
export function Toaster() {
  const shown = useSyncExternalStore(subscribe, () => toasts);
  return (
    <div className="action-toasts" role="status" aria-live="polite" data-testid="toasts">
      {shown.map((toast) => (
        <div key={toast.id} className="action-toast" data-testid="toast">
          <span>{toast.message}</span>
          <button type="button" className="secondary" aria-label="Dismiss" onClick={() => dismissToast(toast.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
