import type { ReactNode } from "react";

/**
 * The box a wide table scrolls inside (on a phone, or with long names) instead of widening the
 * page. It is a named region in the tab order, so a keyboard can reach it and scroll it with the
 * arrow keys (WCAG 2.1.1; axe's scrollable-region-focusable).
 */
export function TableBox({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
