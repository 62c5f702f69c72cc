import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

afterEach(() => {
  cleanup();
  sessionStorage.clear();
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
