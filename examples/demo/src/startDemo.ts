import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { AdsConnectClient } from "@ads-connect/node";
import express from "express";

export interface DemoServer {
  /** The page's origin, e.g. http://localhost:5173. */
  url: string;
  /** Points the demo at a running ads-connect server (it can listen before the server exists). */
  attach(server: { url: string; secretKey: string }): void;
  close(): Promise<void>;
}

/** The demo lets the user choose one Microsoft Advertising account per connection (the picker shows radio buttons). */
export const DEMO_ACCOUNT_SELECTION = "single";

const PLAIN_HTML_DIR = new URL("../../plain-html/", import.meta.url);

/** The demo end user; a real product uses its own user id. */
export const DEMO_END_USER = { id: "demo-user", display_name: "Demo user", email: "demo@acme.example" };

/**
 * The product's tiny backend: serves the page, creates connect sessions with the secret key, and
 * lists this user's connections. Listens first, so tests can use port 0 and learn the origin.
 */
export async function startDemo(options: { staticDir: string; port?: number; host?: string }): Promise<DemoServer> {
  let target: { url: string; client: AdsConnectClient } | null = null;
  const ads = () => {
    if (!target) throw new Error("the demo is not attached to an ads-connect server yet");
    return target;
  };
  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: "10kb" }));
  app.get("/api/config", (_req, res) => {
    res.json({ serverUrl: ads().url });
  });
  app.post("/api/connect-session", async (req, res) => {
    const connectionId = typeof req.body?.connection_id === "string" ? req.body.connection_id : undefined;
    const { client } = ads();
    // The page's language (`/?lang=de`) for the popup's pages and Microsoft's sign-in too.
    const locale = typeof req.body?.locale === "string" ? req.body.locale : undefined;
    const common = { end_user: DEMO_END_USER, account_selection: DEMO_ACCOUNT_SELECTION, ...(locale ? { locale } : {}) } as const;
    // `change_accounts`: a session whose popup shows only the account picker of that connection.
    const session = !connectionId
      ? await client.createConnectSession(common)
      : req.body?.change_accounts === true
        ? await client.createChangeAccountsSession({ connection_id: connectionId, account_selection: DEMO_ACCOUNT_SELECTION })
        : await client.createReconnectSession({ connection_id: connectionId, ...common });
    res.json({ token: session.data.token });
  });
  app.get("/api/connections", async (_req, res) => {
    const { connections } = await ads().client.listConnections({ endUserId: DEMO_END_USER.id });
    res.json({
      connections: connections.map((c) => ({
        id: c.connection_id,
        name: c.account.display_name ?? c.account.username,
        username: c.account.username,
        status: c.status,
        // The Microsoft Advertising accounts the user chose: what the product would report on.
        accounts: c.accounts
          .filter((a) => c.selected_account_ids?.includes(a.id))
          .map((a) => ({ id: a.id, customer_id: a.customer_id, number: a.number, name: a.name })),
        accounts_error: c.accounts_error?.message ?? null,
      })),
    });
  });
  // `/?coop=same-origin` serves the page as a product with a strict Cross-Origin-Opener-Policy would
  // (the popup then has no opener: the widget falls back to polling, the popup asks for Continue).
  // The plain-HTML example (examples/plain-html), pointed at this demo's ads-connect server, under
  // a strict Content-Security-Policy: the script-tag widget needs no inline script or style.
  app.get(["/plain", "/plain/"], async (req, res) => {
    if (!req.path.endsWith("/")) return res.redirect(301, "/plain/");
    const { url } = ads();
    const html = await readFile(new URL("index.html", PLAIN_HTML_DIR), "utf8");
    res
      .set("content-security-policy", `default-src 'self'; script-src 'self' ${url}; connect-src 'self' ${url}; img-src 'self' data:`)
      .type("html")
      .send(html.replaceAll("https://connect.example.com", url));
  });
  app.use("/plain", express.static(fileURLToPath(PLAIN_HTML_DIR), { index: false }));
  app.use((req, res, next) => {
    if (req.query.coop === "same-origin") res.set("cross-origin-opener-policy", "same-origin");
    next();
  });
  app.use(express.static(options.staticDir));
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(502).json({ error: { code: "demo_backend_error", message: err instanceof Error ? err.message : "failed" } });
  });

  const server = createServer(app);
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    attach({ url, secretKey }) {
      target = { url, client: new AdsConnectClient({ host: url, secretKey }) };
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
