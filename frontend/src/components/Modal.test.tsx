import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { Modal } from "./Modal";

function Opener({ onClose }: { onClose?: () => void }) {
  const [open, setOpen] = useState(false);
  const close = () => {
    onClose?.();
    setOpen(false);
  };
  return (
    <>
      <input aria-label="Search" />
      <button type="button" onClick={() => setOpen(true)}>
        New device
      </button>
      {open && (
        <Modal title="New device" onClose={close}>
          <label>
            Name <input />
          </label>
          <button type="button" onClick={close}>
            Cancel
          </button>
        </Modal>
      )}
    </>
  );
}

// jsdom has no top layer or inert page: that Tab cycles inside an open dialog and never reaches
// the page is checked in Chromium (frontend/e2e/scenarios/layout.mjs). Here: the contract with it.
describe("Modal", () => {
  it("opens as a modal dialog (the page behind inert) named by its title, focus on the first field", async () => {
    const showModal = vi.spyOn(HTMLDialogElement.prototype, "showModal");
    render(<Opener />);
    await userEvent.setup().click(screen.getByRole("button", { name: "New device" }));
    const dialog = screen.getByRole("dialog", { name: "New device" });
    expect(showModal).toHaveBeenCalledTimes(1);
    expect(dialog).toHaveProperty("open", true);
    expect(screen.getByLabelText("Name")).toHaveFocus();
    showModal.mockRestore();
  });

  it("gives the focus back to what opened it when it closes", async () => {
    const user = userEvent.setup();
    render(<Opener />);
    const opener = screen.getByRole("button", { name: "New device" });
    await user.click(opener);
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
  });

  it("closes on Escape (the dialog's cancel event) and on a press on the backdrop", async () => {
    const onClose = vi.fn();
    const user = userEvent.setup();
    render(<Opener onClose={onClose} />);
    await user.click(screen.getByRole("button", { name: "New device" }));
    fireEvent(screen.getByRole("dialog"), new Event("cancel", { cancelable: true })); // what Escape does
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "New device" }));
    fireEvent.mouseDown(screen.getByLabelText("Name")); // inside: stays open
    expect(onClose).toHaveBeenCalledTimes(1);
    fireEvent.mouseDown(screen.getByRole("dialog"));
    expect(onClose).toHaveBeenCalledTimes(2);
  });
});
