/**
 * `pnpm start`: the whole product on this machine with zero configuration. Starts the local Entra
 * emulator (unless MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET are set, then real Microsoft
 * Entra is used) and the ads-connect server on embedded SQLite under ./data, then prints a connect
 * link to open in a browser. Ctrl-C stops everything.
 */
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET, startEntraEmulator, type EntraEmulator } from "@ads-connect/entra-emulator";
import { ConfigError, startAdsConnect } from "@ads-connect/server";

const env: Record<string, string | undefined> = { ...process.env };
const useRealEntra = Boolean(env.MICROSOFT_CLIENT_ID && env.MICROSOFT_CLIENT_SECRET);
let emulator: EntraEmulator | null = null;

if (!useRealEntra) {
  emulator = await startEntraEmulator({ port: Number(env.EMULATOR_PORT ?? 4011) });
  env.ENTRA_EMULATOR_URL = emulator.url;
  env.MICROSOFT_CLIENT_ID = DEV_CLIENT_ID;
  env.MICROSOFT_CLIENT_SECRET = DEV_CLIENT_SECRET;
}

try {
  const server = await startAdsConnect({ env });
  const session = await fetch(`${server.url}/connect/sessions`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.config.secretKey}`, "content-type": "application/json" },
    body: JSON.stringify({ end_user: { id: "demo-user", display_name: "Demo user" } }),
  }).then((r) => r.json() as Promise<{ data: { connect_link: string } }>);

  console.log(`
  ads-connect is running
    server          ${server.url}
    identity        ${emulator ? `local Entra emulator at ${emulator.url} (no Microsoft account needed)` : "Microsoft Entra ID"}
    database        ${server.config.databaseFile}
    secret key      stored in ${server.config.production ? "ADS_CONNECT_SECRET_KEY" : "./data/secret-key (or ADS_CONNECT_SECRET_KEY)"}

  Open this connect link in a browser to connect a Microsoft Advertising account (valid ${server.config.connectSessionTtlSeconds / 60} minutes):
    ${session.data.connect_link}

  Then list connections:
    curl -H "Authorization: Bearer $(cat data/secret-key)" ${server.url}/connections

  Press Ctrl-C to stop.
`);

  const stop = async () => {
    await server.close();
    await emulator?.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (err) {
  await emulator?.close();
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
