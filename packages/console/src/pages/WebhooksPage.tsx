import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type ColumnDef, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { api, type Delivery, query } from "../api.js";
import { when } from "../format.js";
import { linkProps } from "../router.js";

const PAGE_SIZE = 50;

export function WebhooksPage() {
  const [status, setStatus] = useState("");
  const [page, setPage] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: ["webhooks", status, page],
    queryFn: () => api<{ deliveries: Delivery[] }>("GET", `/webhooks${query({ status, page, limit: PAGE_SIZE })}`),
    placeholderData: keepPreviousData,
  });
  const retry = useMutation({
    mutationFn: (id: string) => api("POST", `/webhooks/${encodeURIComponent(id)}/retry`),
    onSuccess: (_r, id) => {
      setNotice(`Delivery ${id} will be retried now.`);
      void queryClient.invalidateQueries({ queryKey: ["webhooks"] });
    },
    onError: (error) => setNotice(error.message),
  });
  const columns = useMemo<ColumnDef<Delivery>[]>(
    () => [
      { id: "event", header: "Event", cell: ({ row }) => `${row.original.type ?? "?"}${row.original.operation ? ` · ${row.original.operation}` : ""}` },
      {
        id: "connection",
        header: "Connection",
        cell: ({ row }) =>
          row.original.connection_id ? (
            <a {...linkProps(`/connections/${encodeURIComponent(row.original.connection_id)}`)}>
              <code>{row.original.connection_id}</code>
            </a>
          ) : (
            "—"
          ),
      },
      { id: "status", header: "Status", cell: ({ row }) => <span className={`badge delivery-${row.original.status}`}>{row.original.status}</span> },
      { id: "attempts", header: "Attempts", cell: ({ row }) => row.original.attempts },
      { id: "last_error", header: "Last error", cell: ({ row }) => row.original.last_error ?? "—" },
      { id: "created", header: "Created", cell: ({ row }) => when(row.original.created_at) },
      { id: "next", header: "Next retry", cell: ({ row }) => when(row.original.next_attempt_at) },
      {
        id: "retry",
        header: () => <span className="visually-hidden">Actions</span>,
        cell: ({ row }) =>
          row.original.status === "delivered" ? null : (
            <button type="button" onClick={() => retry.mutate(row.original.id)} disabled={retry.isPending} data-testid="retry">
              Retry now<span className="visually-hidden"> {row.original.id}</span>
            </button>
          ),
      },
    ],
    [retry],
  );
  const table = useReactTable({ data: list.data?.deliveries ?? [], columns, getCoreRowModel: getCoreRowModel(), manualPagination: true });
  const rows = list.data?.deliveries.length ?? 0;
  return (
    <>
      <div className="page-head">
        <h1>Webhooks</h1>
        <div className="field">
          <label htmlFor="delivery-status">Status</label>
          <select
            id="delivery-status"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value);
              setPage(0);
            }}
          >
            <option value="">Any</option>
            <option value="pending">Pending</option>
            <option value="failed">Failed</option>
            <option value="delivered">Delivered</option>
          </select>
        </div>
      </div>
      <div aria-live="polite">{notice ? <p data-testid="webhook-notice">{notice}</p> : null}</div>
      {list.error ? <p role="alert">{list.error.message}</p> : null}
      {list.data && rows === 0 ? <p>No webhook deliveries.</p> : null}
      <div className="table-wrap">
        <table data-testid="deliveries">
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => (
                  <th key={header.id} scope="col">
                    {flexRender(header.column.columnDef.header, header.getContext())}
                  </th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr key={row.original.id} data-testid="delivery-row" data-status={row.original.status} data-id={row.original.id}>
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Pages">
        <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
          Previous
        </button>
        <span>Page {page + 1}</span>
        <button type="button" disabled={rows < PAGE_SIZE} onClick={() => setPage(page + 1)}>
          Next
        </button>
      </nav>
    </>
  );
}
