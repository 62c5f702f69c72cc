import { useMutation } from "@tanstack/react-query";
import { errorText } from "../../../components/ErrorMessage";
import { createExportLink, startDownload, type ExportRequest } from "../api/export-link";

interface Props {
  request: ExportRequest;
  /** What is exported, for screen readers ("Export CSV: November 2026"). */
  what: string;
}

/** Asks for a signed link, then lets the browser download the CSV from it. */
export function ExportButton({ request, what }: Props) {
  const link = useMutation({
    mutationFn: createExportLink,
    onSuccess: (answer) => startDownload(answer.url),
  });
  return (
    <span className="export">
      <button
        type="button"
        className="secondary"
        data-testid="export-button"
        aria-label={`Export CSV: ${what}`}
        disabled={link.isPending}
        onClick={() => link.mutate(request)}
      >
        {link.isPending ? "Exporting…" : "Export CSV"}
      </button>
      {link.isError && (
        <span className="field-error" role="alert">
          Could not export: {errorText(link.error)}
        </span>
      )}
    </span>
  );
}
