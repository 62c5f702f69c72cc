/** A monitoring page's title, and the time zone its days and hours are shown in (the browser's). */
export function ZonePageHead({ title, tz }: { title: string; tz: string }) {
  return (
    <div className="page-head">
      <h1>{title}</h1>
      <span className="muted">Time zone: {tz}</span>
    </div>
  );
}
