import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

// jsdom has <dialog> but not its modal methods: enough of them for the components' tests (the
// real focus and inertness are checked in Chromium, frontend/e2e/scenarios/layout.mjs).
if (!HTMLDialogElement.prototype.showModal) {
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    if (!this.open) return;
    this.open = false;
    this.dispatchEvent(new Event("close"));
  };
}

afterEach(() => {
  cleanup();
  sessionStorage.clear();
  localStorage.clear();
});

// jsdom has neither <dialog>'s showModal()/close() nor Element.checkVisibility (tabbable's
// "full-native" check): stand-ins that only set `open`, and everything attached counts as shown.
if (typeof HTMLDialogElement !== "undefined" && !HTMLDialogElement.prototype.showModal) {
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    this.removeAttribute("open");
    this.dispatchEvent(new Event("close"));
  };
}
if (!("checkVisibility" in Element.prototype)) {
  Object.defineProperty(Element.prototype, "checkVisibility", {
    value(this: Element) {
      return this.isConnected;
    },
  });
}
