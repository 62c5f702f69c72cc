import { useEffect } from "react";
import { useMatches } from "react-router";

/** What a route tells the layout (its `handle`): the page's name for the tab's title. */
export interface PageHandle {
  title: string;
}

export const APP_NAME = "EMS";

/** "Energy · EMS": the page first, so tabs and history tell the pages apart. */
export function pageTitle(title: string | undefined): string {
  return title ? `${title} · ${APP_NAME}` : `${APP_NAME} — Energy Management`;
}

/** Keeps document.title on the deepest route's title (routes in src/app/App.tsx name them). */
export function usePageTitle(): void {
  const matches = useMatches();
  const title = matches
    .map((match) => (match.handle as PageHandle | undefined)?.title)
    .filter((name): name is string => !!name)
    .at(-1);
  useEffect(() => {
    document.title = pageTitle(title);
  }, [title]);
}
