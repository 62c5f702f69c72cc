import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { apiFetch, type Page } from "../lib/api-client";
import { ADMIN, fakeApi, renderRoutes, signInAs } from "../test/render";
import { ListPage } from "./ListPage";
import { nextOrdering, useListPage } from "./use-list-page";

interface Thing {
  id: string;
  name: string;
}

/** A list page as the admin pages build one, over a fake `/api/things/`. */
function ThingsPage() {
  const list = useListPage<Thing, "kind">({ defaultOrdering: "name", filters: ["kind"] });
  const things = useQuery({
    queryKey: ["things", list.query],
    queryFn: () => apiFetch<Page<Thing>>("/api/things/", { query: list.query }),
    placeholderData: keepPreviousData,
  });
  return (
    <ListPage<Thing>
      title="Things"
      state={list}
      query={things}
      search={{ id: "thing-search", placeholder: "name" }}
      filters={
        <button type="button" onClick={() => list.setFilter("kind", "big")}>
          Big only
        </button>
      }
      tableTestId="things-table"
      columns={[
        { header: "Name", sort: "name", cell: (thing) => thing.name },
        { header: "Size", sort: "size", cell: () => "1" },
        { header: "Colour", cell: () => "red" },
      ]}
      noun="thing"
      name={(thing) => thing.name}
      rowData={(thing) => ({ "data-name": thing.name })}
      emptyText="No things."
    />
  );
}

function setup(url = "/things", count = 964) {
  signInAs(ADMIN);
  const api = fakeApi({
    "/api/things/": () => ({ count, next: null, previous: null, results: [{ id: "t-1", name: "Lamp" }] }),
  });
  const view = renderRoutes([{ path: "/things", element: <ThingsPage /> }], url);
  const lastCall = () => api.calls.filter((call) => call.pathname === "/api/things/").at(-1);
  return { ...view, ...api, lastCall, user: userEvent.setup() };
}

describe("ListPage", () => {
  it("sends the search once typing pauses, keeps it in the address and starts from page 1", async () => {
    const { user, lastCall, calls, router } = setup("/things?page=3");
    expect(await screen.findByText("101–150 of 964")).toBeInTheDocument();
    const before = calls.length;
    await user.type(screen.getByLabelText("Search"), "lamp");
    await waitFor(() => expect(lastCall()?.searchParams.get("search")).toBe("lamp"));
    // One request for the whole word, not one a key.
    expect(calls.slice(before).map((call) => call.searchParams.get("search"))).toEqual(["lamp"]);
    expect(lastCall()?.searchParams.get("page")).toBe("1");
    expect(router.state.location.search).toBe("?search=lamp");
  });

  it("shows the search of the address in the box and asks for it at once", async () => {
    const { lastCall } = setup("/things?search=lamp");
    expect(await screen.findByLabelText("Search")).toHaveValue("lamp");
    expect(lastCall()?.searchParams.get("search")).toBe("lamp");
  });

  it("sorts by a clicked header, descending on a second click, and marks it with aria-sort", async () => {
    const { user, lastCall, router } = setup();
    const table = await screen.findByTestId("things-table");
    const name = within(table).getByRole("columnheader", { name: /Name/ });
    const size = within(table).getByRole("columnheader", { name: /Size/ });
    expect(name).toHaveAttribute("aria-sort", "ascending"); // the default ordering
    expect(size).not.toHaveAttribute("aria-sort");
    expect(within(table).getByRole("columnheader", { name: "Colour" })).not.toHaveAttribute("aria-sort");
    expect(within(table).queryByRole("button", { name: /Colour/ })).toBeNull();

    await user.click(within(size).getByRole("button"));
    await waitFor(() => expect(lastCall()?.searchParams.get("ordering")).toBe("size"));
    expect(size).toHaveAttribute("aria-sort", "ascending");
    expect(name).not.toHaveAttribute("aria-sort");
    await user.click(within(size).getByRole("button"));
    await waitFor(() => expect(lastCall()?.searchParams.get("ordering")).toBe("-size"));
    expect(size).toHaveAttribute("aria-sort", "descending");
    expect(router.state.location.search).toBe("?ordering=-size");
  });

  it("pages with the rows shown and the total, the page in the address", async () => {
    const { user, lastCall, router } = setup();
    expect(await screen.findByText("1–50 of 964")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "← Previous" })).toBeDisabled();
    await user.click(screen.getByRole("button", { name: "Next →" }));
    expect(await screen.findByText("51–100 of 964")).toBeInTheDocument();
    expect(lastCall()?.searchParams.get("page")).toBe("2");
    expect(router.state.location.search).toBe("?page=2");
  });

  it("shows the last page's rows up to the total", async () => {
    setup("/things?page=20");
    expect(await screen.findByText("951–964 of 964")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Next →" })).toBeDisabled();
  });

  it("keeps a filter in the address under its API name, from the first page", async () => {
    const { user, lastCall, router } = setup("/things?page=2&search=la");
    await screen.findByText("51–100 of 964");
    await user.click(screen.getByRole("button", { name: "Big only" }));
    await waitFor(() => expect(lastCall()?.searchParams.get("kind")).toBe("big"));
    expect(lastCall()?.searchParams.get("search")).toBe("la");
    expect(lastCall()?.searchParams.get("page")).toBe("1");
    expect(router.state.location.search).toBe("?search=la&kind=big");
  });

  it("has no actions column when the page has no row actions", async () => {
    setup();
    const table = await screen.findByTestId("things-table");
    expect(within(table).getAllByRole("columnheader")).toHaveLength(3);
    expect(screen.queryByRole("button", { name: /New/ })).toBeNull();
  });
});

describe("nextOrdering", () => {
  it("turns a column ascending, then descending, then ascending again", () => {
    expect(nextOrdering("name", "size")).toBe("size");
    expect(nextOrdering("size", "size")).toBe("-size");
    expect(nextOrdering("-size", "size")).toBe("size");
  });
});
