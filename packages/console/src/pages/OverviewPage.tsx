import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api, type Overview, type Status } from "../api.js";
import { Chart } from "../Chart.js";
import { STATUS_LABEL, when } from "../format.js";
import { linkProps } from "../router.js";

const RANGES = [
  ["24h", "24 hours"],
  ["7d", "7 days"],
  ["15d", "15 days"],
] as const;

export function OverviewPage() {
  const [range, setRange] = useState<(typeof RANGES)[number][0]>("24h");
  const overview = useQuery({ queryKey: ["overview", range], queryFn: () => api<Overview>("GET", `/overview?range=${range}`) });
  const data = overview.data;
  const times = useMemo(() => data?.buckets.map((b) => Date.parse(b) / 1000) ?? [], [data]);
  const charts = useMemo(() => {
    if (!data) return [];
    const s = data.series;
    return [
      {
        title: "Connects by outcome",
        series: [
          { label: "Succeeded", values: s.connects_succeeded ?? [], colorVar: "--ok" },
          { label: "Failed", values: s.connects_failed ?? [], colorVar: "--bad" },
        ],
      },
      {
        title: "Token refreshes and failures",
        series: [
          { label: "Refreshed", values: s.refreshes_succeeded ?? [], colorVar: "--ok" },
          { label: "Failed", values: s.refreshes_failed ?? [], colorVar: "--bad" },
        ],
      },
      ...(s.proxy_calls
        ? [
            {
              title: "Proxy calls and 117 holds",
              series: [
                { label: "Proxy calls", values: s.proxy_calls, colorVar: "--accent" },
                { label: "117 holds", values: s.proxy_holds_117 ?? [], colorVar: "--warn" },
              ],
            },
          ]
        : []),
      { title: "Webhook backlog", series: [{ label: "Waiting", values: s.webhook_backlog ?? [], colorVar: "--warn" }] },
    ];
  }, [data]);
  return (
    <>
      <div className="page-head">
        <h1>Overview</h1>
        <fieldset className="segmented">
          <legend className="visually-hidden">Time range</legend>
          {RANGES.map(([value, label]) => (
            <label key={value}>
              <input type="radio" name="range" value={value} checked={range === value} onChange={() => setRange(value)} />
              <span>{label}</span>
            </label>
          ))}
        </fieldset>
      </div>
      {overview.error ? <p role="alert">{overview.error.message}</p> : null}
      {!data ? (
        <p className="loading">Loading…</p>
      ) : (
        <>
          <section aria-labelledby="connections-heading">
            <h2 id="connections-heading">Connections</h2>
            <ul className="cards" data-testid="status-counts">
              <li className="card">
                <span className="card-label">Total</span>
                <a className="card-value" data-testid="count-total" {...linkProps("/connections")}>
                  {data.connections.total}
                </a>
              </li>
              {(Object.keys(STATUS_LABEL) as Status[]).map((status) => (
                <li className={`card status-${status}`} key={status}>
                  <span className="card-label">{STATUS_LABEL[status]}</span>
                  <a className="card-value" data-testid={`count-${status}`} {...linkProps(`/connections?status=${status}`)}>
                    {data.connections.by_status[status] ?? 0}
                  </a>
                </li>
              ))}
            </ul>
            <dl className="totals" data-testid="totals">
              <div>
                <dt>Connects</dt>
                <dd data-testid="total-connects">{data.totals.connects_succeeded}</dd>
              </div>
              <div>
                <dt>Failed connects</dt>
                <dd data-testid="total-connects-failed">{data.totals.connects_failed}</dd>
              </div>
              <div>
                <dt>Refreshes</dt>
                <dd data-testid="total-refreshes">{data.totals.refreshes_succeeded}</dd>
              </div>
              <div>
                <dt>Failed refreshes</dt>
                <dd data-testid="total-refreshes-failed">{data.totals.refreshes_failed}</dd>
              </div>
              <div>
                <dt>Proxy calls</dt>
                <dd>{data.totals.proxy_calls ?? "—"}</dd>
              </div>
              <div>
                <dt>Webhooks waiting</dt>
                <dd data-testid="total-backlog">{data.totals.webhook_backlog}</dd>
              </div>
            </dl>
          </section>
          <section aria-labelledby="charts-heading">
            <h2 id="charts-heading">Activity</h2>
            <div className="charts">
              {charts.map((c) => (
                <Chart key={c.title} title={c.title} times={times} series={c.series} />
              ))}
            </div>
            {data.series.proxy_calls ? null : (
              <p className="muted">Proxy calls and 117 holds are charted from the operation log, which this server does not record yet.</p>
            )}
          </section>
          <section aria-labelledby="errors-heading">
            <h2 id="errors-heading">Top errors</h2>
            {data.top_errors.length === 0 ? (
              <p>No errors in this range.</p>
            ) : (
              <div className="table-wrap">
                <table data-testid="top-errors">
                  <thead>
                    <tr>
                      <th scope="col">Code</th>
                      <th scope="col">In range</th>
                      <th scope="col">Failing now</th>
                      <th scope="col">What to do</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.top_errors.map((e) => (
                      <tr key={e.code}>
                        <th scope="row">
                          <a {...linkProps(`/connections?error_code=${encodeURIComponent(e.code)}`)}>
                            <code>{e.code}</code>
                          </a>
                        </th>
                        <td>{e.count}</td>
                        <td>{e.connections_failing}</td>
                        <td>
                          {e.message} <strong>{e.action}</strong>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section aria-labelledby="integration-heading">
            <h2 id="integration-heading">Integration</h2>
            <dl className="facts">
              <div>
                <dt>Configured</dt>
                <dd>{data.integration.configured ? "Yes" : "No"}</dd>
              </div>
              <div>
                <dt>Client secret</dt>
                <dd>
                  {data.integration.client_secret.state}
                  {data.integration.client_secret.days_left !== null ? ` (${data.integration.client_secret.days_left} days left)` : ""}
                </dd>
              </div>
              <div>
                <dt>Last connect</dt>
                <dd>{when(data.integration.last_successful_connect_at)}</dd>
              </div>
              <div>
                <dt>Last refresh</dt>
                <dd>{when(data.integration.last_successful_refresh_at)}</dd>
              </div>
              <div>
                <dt>Customers on hold</dt>
                <dd>{data.integration.holds}</dd>
              </div>
              <div>
                <dt>Secret keys in use</dt>
                <dd>
                  {data.integration.secret_keys.length === 0
                    ? "none yet"
                    : data.integration.secret_keys.map((k) => `${k.fingerprint}: ${k.requests} requests`).join(", ")}
                </dd>
              </div>
            </dl>
            {data.integration.problems.length > 0 ? (
              <ul className="problems" data-testid="problems">
                {data.integration.problems.map((p) => (
                  <li key={p.code}>
                    <code>{p.code}</code>: {p.message} <strong>{p.action}</strong>
                  </li>
                ))}
              </ul>
            ) : (
              <p>The setup doctor's checks found no problem.</p>
            )}
          </section>
        </>
      )}
    </>
  );
}
