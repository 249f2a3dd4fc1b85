import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api, type ConnectionDetail } from "../api.js";
import { STATUS_LABEL, when } from "../format.js";
import { navigate } from "../router.js";
import { Timeline } from "./Timeline.js";

export function ConnectionPage({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const path = `/connections/${encodeURIComponent(id)}`;
  const detail = useQuery({ queryKey: ["connection", id], queryFn: () => api<ConnectionDetail>("GET", path) });
  const [notice, setNotice] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const [confirm, setConfirm] = useState("");
  const refreshAll = () => {
    void queryClient.invalidateQueries({ queryKey: ["connection", id] });
    void queryClient.invalidateQueries({ queryKey: ["timeline", id] });
  };
  const action = useMutation({
    mutationFn: async (what: "refresh" | "sync" | "reconnect-link" | "delete") => {
      if (what === "delete") return api<unknown>("DELETE", path, { confirm });
      return api<{ connect_link?: string }>("POST", `${path}/${what}`);
    },
    onSuccess: async (result, what) => {
      if (what === "delete") {
        await queryClient.invalidateQueries({ queryKey: ["connections"] });
        navigate("/connections");
        return;
      }
      if (what === "reconnect-link") {
        const connectLink = (result as { connect_link?: string }).connect_link ?? "";
        setLink(connectLink);
        let copied = false;
        try {
          await navigator.clipboard.writeText(connectLink);
          copied = true;
        } catch {
          // No clipboard permission: the link is shown to copy by hand.
        }
        setNotice({ kind: "ok", text: copied ? "Reconnect link copied." : "Reconnect link created: copy it below." });
      } else {
        setNotice({ kind: "ok", text: what === "refresh" ? "Token refreshed." : "Accounts re-synced." });
      }
      refreshAll();
    },
    onError: (error) => {
      setNotice({ kind: "error", text: error.message });
      refreshAll();
    },
  });
  if (detail.error) {
    return (
      <>
        <h1>Connection</h1>
        <p role="alert">{detail.error.message}</p>
      </>
    );
  }
  const data = detail.data;
  if (!data) return <p className="loading">Loading…</p>;
  const c = data.connection;
  const onDelete = (e: FormEvent) => {
    e.preventDefault();
    action.mutate("delete");
  };
  return (
    <>
      <div className="page-head">
        <h1>
          Connection <code className="id">{c.connection_id}</code>
        </h1>
        <span className={`badge status-${c.status}`} data-testid="connection-status">
          {STATUS_LABEL[c.status]}
        </span>
      </div>
      {data.errors.length > 0 || data.accounts_error ? (
        <section className="alert-box" aria-labelledby="errors-heading" data-testid="connection-errors">
          <h2 id="errors-heading">What is wrong</h2>
          <ul>
            {data.errors.map((e) => (
              <li key={e.code}>
                <code>{e.code}</code>: {e.message} <strong>Next step: {e.action}</strong>
              </li>
            ))}
            {data.accounts_error ? (
              <li>
                <code>{data.accounts_error.code}</code> (accounts): {data.accounts_error.message} <strong>Next step: {data.accounts_error.action}</strong>
              </li>
            ) : null}
          </ul>
        </section>
      ) : null}
      <div className="columns">
        <section aria-labelledby="who-heading">
          <h2 id="who-heading">End user and account</h2>
          <dl className="facts">
            <div>
              <dt>End user</dt>
              <dd>{c.end_user?.id ?? "—"}</dd>
            </div>
            <div>
              <dt>Email</dt>
              <dd>{c.end_user?.email ?? "—"}</dd>
            </div>
            <div>
              <dt>Microsoft account</dt>
              <dd>
                {c.account.username} ({c.account.account_type})
              </dd>
            </div>
            <div>
              <dt>Tenant</dt>
              <dd>
                <code>{c.account.tenant_id}</code>
              </dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>{when(c.created)}</dd>
            </div>
            <div>
              <dt>Accounts synced</dt>
              <dd>{when(c.accounts_synced_at)}</dd>
            </div>
          </dl>
        </section>
        <section aria-labelledby="actions-heading">
          <h2 id="actions-heading">Actions</h2>
          <div className="actions">
            <button type="button" onClick={() => action.mutate("refresh")} disabled={action.isPending} data-testid="action-refresh">
              Force refresh
            </button>
            <button type="button" onClick={() => action.mutate("sync")} disabled={action.isPending} data-testid="action-sync">
              Re-sync accounts
            </button>
            <button type="button" onClick={() => action.mutate("reconnect-link")} disabled={action.isPending} data-testid="action-reconnect">
              Copy a reconnect link
            </button>
          </div>
          <div aria-live="polite">
            {notice ? (
              <p className={notice.kind === "ok" ? "ok" : "error"} data-testid="action-notice">
                {notice.text}
              </p>
            ) : null}
          </div>
          {link ? (
            <p>
              <label htmlFor="reconnect-link">Reconnect link</label>
              <input id="reconnect-link" readOnly value={link} data-testid="reconnect-link" onFocus={(e) => e.target.select()} />
            </p>
          ) : null}
          <form onSubmit={onDelete} className="danger stack">
            <label htmlFor="confirm-delete">
              To delete this connection, type its id (<code>{c.connection_id}</code>)
            </label>
            <input id="confirm-delete" value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="off" />
            <button type="submit" className="danger-button" disabled={confirm !== c.connection_id || action.isPending} data-testid="action-delete">
              Delete connection
            </button>
          </form>
        </section>
      </div>
      <section aria-labelledby="accounts-heading">
        <h2 id="accounts-heading">Accounts</h2>
        {c.accounts.length === 0 ? (
          <p>No accounts found.</p>
        ) : (
          <div className="table-wrap">
            <table data-testid="accounts">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Number</th>
                  <th scope="col">Id</th>
                  <th scope="col">Selected</th>
                </tr>
              </thead>
              <tbody>
                {c.accounts.map((a) => (
                  <tr key={a.id}>
                    <th scope="row">{a.name ?? "—"}</th>
                    <td>{a.number ?? "—"}</td>
                    <td>
                      <code>{a.id}</code>
                    </td>
                    <td>{c.selected_account_ids === null ? "all (no choice made)" : c.selected_account_ids.includes(a.id) ? "Yes" : "No"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <Timeline connectionId={id} />
    </>
  );
}
