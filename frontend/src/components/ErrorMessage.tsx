import { ApiError } from "../lib/api-client";

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

export function ErrorMessage({ error, title = "Could not load" }: { error: unknown; title?: string }) {
  return (
    <div className="alert error" role="alert">
      <strong>{title}:</strong> {errorText(error)}
    </div>
  );
}
