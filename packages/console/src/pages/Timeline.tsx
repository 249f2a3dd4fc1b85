import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, type Operation, type OperationMessage } from "../api.js";
import { when } from "../format.js";

/** The connection's operation log, newest first; each operation opens to its messages. */
export function Timeline({ connectionId }: { connectionId: string }) {
  const timeline = useQuery({
    queryKey: ["timeline", connectionId],
    queryFn: () =>
      api<{ available: boolean; operations: Operation[]; next_cursor: string | null }>("GET", `/connections/${encodeURIComponent(connectionId)}/operations`),
  });
  return (
    <section aria-labelledby="log-heading">
      <h2 id="log-heading">Operation log</h2>
      {timeline.error ? <p role="alert">{timeline.error.message}</p> : null}
      {timeline.data && !timeline.data.available ? <p>This server does not record an operation log yet.</p> : null}
      {timeline.data?.available && timeline.data.operations.length === 0 ? <p>No operations recorded for this connection.</p> : null}
      <ol className="timeline" data-testid="timeline">
        {timeline.data?.operations.map((op) => (
          <TimelineItem key={op.id} op={op} />
        ))}
      </ol>
    </section>
  );
}

function TimelineItem({ op }: { op: Operation }) {
  const [open, setOpen] = useState(false);
  const messages = useQuery({
    queryKey: ["operation", op.id],
    queryFn: () => api<{ messages: OperationMessage[] }>("GET", `/operations/${encodeURIComponent(op.id)}`),
    enabled: open,
  });
  return (
    <li
      className={`op state-${op.state}`}
      data-testid="operation"
      data-type={op.type}
      data-action={op.action}
      data-state={op.state}
      data-operator-action={op.meta?.operatorAction}
    >
      <button type="button" className="op-head" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span className="op-type">
          {op.type} · {op.action}
          {op.meta?.operatorAction ? ` · ${op.meta.operatorAction.replaceAll("_", " ")}` : ""}
        </span>
        <span className={`badge op-${op.state}`}>{op.state}</span>
        <span className="muted">{when(op.startedAt)}</span>
        {op.durationMs !== null ? <span className="muted">{op.durationMs} ms</span> : null}
      </button>
      {op.errorCode ? (
        <p className="error">
          <code>{op.errorCode}</code>: {op.errorMessage}
        </p>
      ) : null}
      {open ? (
        <ul className="messages" data-testid="messages">
          {messages.isPending ? <li>Loading…</li> : null}
          {messages.data?.messages.map((m) => (
            <li key={m.id} className={`level-${m.level}`}>
              <span className="muted">{new Date(m.createdAt).toLocaleTimeString()}</span> <span className="level">{m.level}</span>{" "}
              {m.type === "http" && m.request ? (
                <code>
                  {m.request.method} {m.request.host}
                  {m.request.path} → {m.response?.status ?? "no answer"}
                  {m.durationMs !== undefined ? ` (${m.durationMs} ms)` : ""}
                </code>
              ) : (
                m.message
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}
