/** A name cut to one line with an ellipsis (`.truncate` in styles.css), the full name in its tooltip. */
export function Truncate({ text, className }: { text: string; className?: string }) {
  return (
    <span className={className ? `truncate ${className}` : "truncate"} title={text}>
      {text}
    </span>
  );
}
