import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type ColumnDef, flexRender, getCoreRowModel, type SortingState, useReactTable } from "@tanstack/react-table";
import { type FormEvent, useMemo, useState } from "react";
import { api, type ConnectionRow, query } from "../api.js";
import { STATUS_LABEL, when } from "../format.js";
import { linkProps, navigate } from "../router.js";

const PAGE_SIZE = 25;
const SORTABLE = new Set(["created_at", "updated_at", "end_user_id", "status"]);

const columns: ColumnDef<ConnectionRow>[] = [
  {
    id: "end_user_id",
    header: "End user",
    cell: ({ row }) => (
      <>
        <a {...linkProps(`/connections/${encodeURIComponent(row.original.connection_id)}`)}>{row.original.end_user.id}</a>
        {row.original.end_user.email ? <div className="muted">{row.original.end_user.email}</div> : null}
      </>
    ),
  },
  { id: "account", header: "Microsoft account", enableSorting: false, cell: ({ row }) => row.original.account.username },
  {
    id: "status",
    header: "Status",
    cell: ({ row }) => <span className={`badge status-${row.original.status}`}>{STATUS_LABEL[row.original.status]}</span>,
  },
  { id: "error_code", header: "Error", enableSorting: false, cell: ({ row }) => (row.original.error_code ? <code>{row.original.error_code}</code> : "—") },
  { id: "created_at", header: "Created", cell: ({ row }) => when(row.original.created_at) },
  { id: "updated_at", header: "Updated", cell: ({ row }) => when(row.original.updated_at) },
];

/** The connections table: paged, searched, filtered and sorted by the server; the filters live in the URL. */
export function ConnectionsPage({ search }: { search: URLSearchParams }) {
  const q = search.get("q") ?? "";
  const status = search.get("status") ?? "";
  const errorCode = search.get("error_code") ?? "";
  const integration = search.get("integration") ?? "";
  const page = Number(search.get("page") ?? "0") || 0;
  const sort = SORTABLE.has(search.get("sort") ?? "") ? search.get("sort")! : "created_at";
  const order = search.get("order") === "asc" ? "asc" : "desc";
  const [draft, setDraft] = useState(q);
  const [draftCode, setDraftCode] = useState(errorCode);

  const params = { q, status, error_code: errorCode, integration, sort, order, page, limit: PAGE_SIZE };
  const list = useQuery({
    queryKey: ["connections", params],
    queryFn: () => api<{ total: number; total_capped: boolean; connections: ConnectionRow[] }>("GET", `/connections${query(params)}`),
    placeholderData: keepPreviousData,
  });
  const go = (changes: Record<string, string | number | undefined>) => {
    const next = { q, status, error_code: errorCode, integration, sort, order, page, ...changes };
    navigate(
      `/connections${query({ ...next, page: next.page || undefined, sort: next.sort === "created_at" ? undefined : next.sort, order: next.order === "desc" ? undefined : next.order })}`,
      {
        replace: true,
      },
    );
  };
  const sorting: SortingState = useMemo(() => [{ id: sort, desc: order === "desc" }], [sort, order]);
  const table = useReactTable({
    data: list.data?.connections ?? [],
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    state: { sorting },
    enableSortingRemoval: false,
  });
  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  // Past the counted matches the pager still goes on while full pages come back.
  const more = list.data?.total_capped === true && (list.data.connections.length ?? 0) === PAGE_SIZE;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    go({ q: draft.trim(), error_code: draftCode.trim(), page: 0 });
  };
  return (
    <>
      <h1>Connections</h1>
      <search>
        <form className="filters" onSubmit={submit}>
          <div className="field grow">
            <label htmlFor="search">Search</label>
            <input
              id="search"
              type="search"
              value={draft}
              placeholder="End user id or email, account number or id, connection id"
              onChange={(e) => setDraft(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="status">Status</label>
            <select id="status" value={status} onChange={(e) => go({ status: e.target.value, page: 0 })}>
              <option value="">Any</option>
              {Object.entries(STATUS_LABEL).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="error-code">Error code</label>
            <input id="error-code" value={draftCode} onChange={(e) => setDraftCode(e.target.value)} placeholder="e.g. grant_expired" />
          </div>
          <div className="field">
            <label htmlFor="integration">Integration</label>
            <select id="integration" value={integration} onChange={(e) => go({ integration: e.target.value, page: 0 })}>
              <option value="">Any</option>
              <option value="microsoft-ads">microsoft-ads</option>
            </select>
          </div>
          <button type="submit" className="primary">
            Search
          </button>
        </form>
      </search>
      {list.error ? <p role="alert">{list.error.message}</p> : null}
      <p aria-live="polite" data-testid="result-count">
        {list.isPending ? "Loading…" : `${total.toLocaleString("en")}${list.data?.total_capped ? "+" : ""} connection${total === 1 ? "" : "s"}`}
      </p>
      <div className="table-wrap">
        <table data-testid="connections-table">
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  const canSort = header.column.getCanSort();
                  return (
                    <th key={header.id} scope="col" aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}>
                      {canSort ? (
                        <button
                          type="button"
                          className="sort"
                          onClick={() => go({ sort: header.column.id, order: sorted === "desc" ? "asc" : "desc", page: 0 })}
                        >
                          {flexRender(header.column.columnDef.header, header.getContext())}
                          <span aria-hidden="true">{sorted === "asc" ? " ▲" : sorted === "desc" ? " ▼" : ""}</span>
                        </button>
                      ) : (
                        flexRender(header.column.columnDef.header, header.getContext())
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr key={row.original.connection_id} data-testid="connection-row">
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Pages">
        <button type="button" disabled={page === 0} onClick={() => go({ page: page - 1 })}>
          Previous
        </button>
        <span>
          Page {page + 1} of {pages}
          {list.data?.total_capped ? "+" : ""}
        </span>
        <button type="button" disabled={page + 1 >= pages && !more} onClick={() => go({ page: page + 1 })}>
          Next
        </button>
      </nav>
    </>
  );
}
