import type { components } from "../../../api/generated/monitoring";
import { apiFetch } from "../../../lib/api-client";

/** What to export: local days, end inclusive; no device: every device (an admin). */
export type ExportRequest = components["schemas"]["ExportParamsRequest"];

/** The export's URL with a signed, one-use ticket in place of the bearer. */
export type ExportLink = components["schemas"]["ExportLink"];

/** A signed, short-lived URL of the CSV (a browser's download cannot carry the bearer). */
export function createExportLink(request: ExportRequest): Promise<ExportLink> {
  return apiFetch<ExportLink>("/api/monitoring/export/links/", { method: "POST", body: request });
}

/** Hands the URL to the browser's own download (its progress, its file), at once. */
export function startDownload(url: string): void {
  const link = document.createElement("a");
  link.href = url;
  link.download = "";
  link.rel = "noopener";
  document.body.appendChild(link);
  link.click();
  link.remove();
}
