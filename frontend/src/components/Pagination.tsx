interface Props {
  page: number;
  count: number;
  pageSize: number;
  onPage: (page: number) => void;
  /** The navigation's name, when a page has more than one list (default "Pages"). */
  label?: string;
}

/** Which rows a page holds: "51–100 of 964". */
export function pageRange(page: number, count: number, pageSize: number): string {
  if (count === 0) return "0 of 0";
  const first = (page - 1) * pageSize + 1;
  return `${Math.min(first, count)}–${Math.min(page * pageSize, count)} of ${count}`;
}

/** Previous / next over a DRF page-number list, with the rows shown and the total. */
export function Pagination({ page, count, pageSize, onPage, label = "Pages" }: Props) {
  const pages = Math.max(1, Math.ceil(count / pageSize));
  return (
    <nav className="pagination" aria-label={label}>
      <button type="button" className="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ← Previous
      </button>
      <span>
        <span data-testid="page-range">{pageRange(page, count, pageSize)}</span>
        <span className="muted">
          {" "}
          · page {page} of {pages}
        </span>
      </span>
      <button type="button" className="secondary" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next →
      </button>
    </nav>
  );
}
