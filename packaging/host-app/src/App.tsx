import { ConnectMicrosoftAds, type ConnectSuccess, useMicrosoftAdsConnect } from "@ads-connect/widget";
import { type ConnectEvent, connect } from "@ads-connect/widget/core";
import { useState } from "react";

/** The product backend creates connect sessions with the secret key; the page only gets a token. */
async function getSessionToken(): Promise<string> {
  const res = await fetch("/api/connect-session", { method: "POST" });
  if (!res.ok) throw new Error(`connect session: HTTP ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

export function App({ serverUrl }: { serverUrl: string }) {
  const [connected, setConnected] = useState<ConnectSuccess | null>(null);
  const hook = useMicrosoftAdsConnect({ serverUrl, getSessionToken });
  const [coreEvent, setCoreEvent] = useState<ConnectEvent["type"] | "none">("none");
  const startWithCore = () => {
    connect({ serverUrl, getSessionToken, onEvent: (event) => setCoreEvent(event.type) });
  };

  return (
    <main>
      <h1>Product</h1>
      <div data-testid="component">
        <ConnectMicrosoftAds serverUrl={serverUrl} getSessionToken={getSessionToken} onSuccess={setConnected} theme="light" />
      </div>
      <p data-testid="connected-account">{connected ? connected.account.username : ""}</p>
      <button type="button" data-testid="hook" data-status={hook.state.status} onClick={hook.open}>
        Connect with the hook
      </button>
      <button type="button" data-testid="core" data-event={coreEvent} onClick={startWithCore}>
        Connect with the core
      </button>
    </main>
  );
}
