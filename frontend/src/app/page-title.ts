import { useEffect } from "react";
import { useMatches, type UIMatch } from "react-router";

/** What a route puts in its `handle`: the page's name, shown first in the tab's title. */
export interface PageHandle {
  title: string;
}

export const APP_NAME = "EMS";

/** "Energy · EMS": the deepest route that names its page; the app's name alone otherwise. */
export function titleFor(matches: UIMatch[]): string {
  const named = matches
    .map((match) => (match.handle as Partial<PageHandle> | undefined)?.title)
    .filter((title): title is string => typeof title === "string");
  const page = named[named.length - 1];
  return page ? `${page} · ${APP_NAME}` : APP_NAME;
}

/** Keeps document.title in step with the current route (screen readers announce it, tabs show it). */
export function usePageTitle(): void {
  const title = titleFor(useMatches());
  useEffect(() => {
    document.title = title;
  }, [title]);
}
