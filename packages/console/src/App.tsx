import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { ApiError, api, ROOT } from "./api.js";
import { ConnectionPage } from "./pages/ConnectionPage.js";
import { ConnectionsPage } from "./pages/ConnectionsPage.js";
import { OverviewPage } from "./pages/OverviewPage.js";
import { SignInPage } from "./pages/SignInPage.js";
import { WebhooksPage } from "./pages/WebhooksPage.js";
import { linkProps, useRoute } from "./router.js";
import { ThemeToggle } from "./theme.js";

export function App() {
  const session = useQuery({ queryKey: ["session"], queryFn: () => api<{ signed_in: boolean }>("GET", "/session") });
  const queryClient = useQueryClient();
  // Any request refused for want of a session (it expired, or someone signed out elsewhere) shows the sign-in.
  useEffect(
    () =>
      queryClient.getQueryCache().subscribe((event) => {
        const error = event.query.state.error;
        if (event.query.queryKey[0] !== "session" && error instanceof ApiError && error.code === "console_sign_in_required") {
          void queryClient.invalidateQueries({ queryKey: ["session"] });
        }
      }),
    [queryClient],
  );
  if (session.isPending) return <p className="loading">Loading…</p>;
  if (session.error) {
    if (session.error instanceof ApiError && session.error.code === "console_sign_in_required") return <SignInPage />;
    return (
      <main className="narrow">
        <h1>Operator console</h1>
        <p role="alert">{session.error.message}</p>
      </main>
    );
  }
  return <Shell />;
}

function Shell() {
  const route = useRoute();
  const [menuOpen, setMenuOpen] = useState(false);
  const signOut = useMutation({
    mutationFn: () => api("DELETE", "/session"),
    // A fresh page: nothing read under the session stays in memory.
    onSuccess: () => window.location.assign(`${ROOT}/`),
  });
  const path = route.path;
  const section = path.startsWith("/connections") ? "connections" : path.startsWith("/webhooks") ? "webhooks" : "overview";
  const connectionId = /^\/connections\/(.+)$/.exec(path)?.[1];
  const nav = (to: string, name: string, label: string) => (
    <li>
      <a {...linkProps(to)} aria-current={section === name ? "page" : undefined} onClickCapture={() => setMenuOpen(false)}>
        {label}
      </a>
    </li>
  );
  useEffect(() => {
    document.title = `${connectionId ? "Connection" : section[0]!.toUpperCase() + section.slice(1)} · ads-connect console`;
  }, [section, connectionId]);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">ads-connect console</span>
        <button type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <nav id="nav" aria-label="Console" className={menuOpen ? "open" : undefined}>
          <ul>
            {nav("/", "overview", "Overview")}
            {nav("/connections", "connections", "Connections")}
            {nav("/webhooks", "webhooks", "Webhooks")}
          </ul>
        </nav>
        <div className="top-actions">
          <ThemeToggle />
          <button type="button" data-testid="sign-out" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {connectionId ? (
          <ConnectionPage id={decodeURIComponent(connectionId)} />
        ) : section === "connections" ? (
          <ConnectionsPage search={route.search} />
        ) : section === "webhooks" ? (
          <WebhooksPage />
        ) : (
          <OverviewPage />
        )}
      </main>
    </>
  );
}
