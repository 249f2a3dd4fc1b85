import { ConnectMicrosoftAds } from "@ads-connect/widget";
import { type CSSProperties, useCallback, useEffect, useState } from "react";

/** What the demo backend returns for each connection (read from ads-connect with the secret key). */
interface DemoConnection {
  id: string;
  name: string;
  username: string;
  status: "connected" | "refreshing" | "expired" | "error";
  /** The Microsoft Advertising accounts the user chose in the picker. */
  accounts: { id: string; customer_id: string; number: string | null; name: string | null }[];
  /** Why the accounts could not be read (the connection still works). */
  accounts_error: string | null;
}

/** The product backend hands out connect session tokens; the secret key never reaches the page. */
async function sessionToken(body: { connection_id?: string; change_accounts?: boolean } = {}): Promise<string> {
  const res = await fetch("/api/connect-session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...body, ...(lang ? { locale: lang } : {}) }),
  });
  if (!res.ok) throw new Error(`connect session: HTTP ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/** `/?lang=de`: the widget's language, and the connect session's (its popup pages and Microsoft's sign-in). */
const lang = new URLSearchParams(window.location.search).get("lang") ?? undefined;

const page: CSSProperties = { font: "16px/1.5 system-ui, sans-serif", maxWidth: 760, margin: "0 auto", padding: "2rem 1.25rem" };
const card: CSSProperties = { border: "1px solid #d0d4da", borderRadius: 10, padding: "1.25rem 1.5rem", margin: "1.5rem 0" };
const cell: CSSProperties = { textAlign: "left", padding: ".5rem .75rem", borderBottom: "1px solid #e3e6ea", verticalAlign: "top" };

export function App({ serverUrl }: { serverUrl: string }) {
  const [connections, setConnections] = useState<DemoConnection[] | null>(null);
  const [successes, setSuccesses] = useState(0);
  const load = useCallback(async () => {
    const res = await fetch("/api/connections");
    setConnections(((await res.json()) as { connections: DemoConnection[] }).connections);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const onSuccess = useCallback(() => {
    setSuccesses((n) => n + 1);
    void load();
  }, [load]);

  return (
    <main style={{ ...page, colorScheme: "light dark" }} data-success-count={successes}>
      <header>
        <h1 style={{ margin: 0 }}>Acme Ads Reporting</h1>
        <p style={{ margin: ".25rem 0 0", opacity: 0.75 }}>
          Your campaign performance in one place. Connect your Microsoft Advertising account to get started.
        </p>
      </header>

      <section style={card} aria-labelledby="connect-heading">
        <h2 id="connect-heading" style={{ marginTop: 0, fontSize: "1.15rem" }}>
          Microsoft Advertising
        </h2>
        <div data-testid="connect">
          <ConnectMicrosoftAds serverUrl={serverUrl} getSessionToken={() => sessionToken()} onSuccess={onSuccess} lang={lang} />
        </div>
      </section>

      <section style={card} aria-labelledby="accounts-heading">
        <h2 id="accounts-heading" style={{ marginTop: 0, fontSize: "1.15rem" }}>
          Connected accounts
        </h2>
        {connections === null ? (
          <p>Loading…</p>
        ) : connections.length === 0 ? (
          <p data-testid="no-connections">No account connected yet.</p>
        ) : (
          <table style={{ borderCollapse: "collapse", width: "100%" }} data-testid="connections">
            <thead>
              <tr>
                <th style={cell}>Account</th>
                <th style={cell}>Ad accounts</th>
                <th style={cell}>Status</th>
                <th style={cell}></th>
              </tr>
            </thead>
            <tbody>
              {connections.map((c) => (
                <tr key={c.id} data-connection-id={c.id}>
                  <td style={cell}>
                    <strong>{c.name}</strong>
                    <br />
                    <small>{c.username}</small>
                  </td>
                  <td style={cell} data-testid="connection-accounts">
                    {c.accounts.length > 0 ? (
                      <ul style={{ margin: 0, paddingLeft: "1.1em" }}>
                        {c.accounts.map((a) => (
                          <li key={a.id} data-account-id={a.id}>
                            {a.name ?? a.id}
                            {a.number && <small> · {a.number}</small>}
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <small>{c.accounts_error ?? "No Microsoft Advertising account yet"}</small>
                    )}
                  </td>
                  <td style={cell} data-testid="connection-status">
                    {c.status}
                  </td>
                  <td style={cell}>
                    <ConnectMicrosoftAds
                      serverUrl={serverUrl}
                      getSessionToken={() => sessionToken({ connection_id: c.id })}
                      getChangeAccountsToken={() => sessionToken({ connection_id: c.id, change_accounts: true })}
                      connected={{ displayName: c.name, username: c.username, status: c.status === "expired" ? "expired" : "connected", accounts: c.accounts }}
                      onSuccess={onSuccess}
                      lang={lang}
                      labels={{ connectedAs: () => "", connectedTo: () => "" }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}
