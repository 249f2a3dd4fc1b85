/**
 * `pnpm start`: the whole product on this machine with zero configuration: the local Entra and
 * Microsoft Advertising emulators (unless MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET are set;
 * then real Microsoft Entra and Microsoft Advertising are used), the ads-connect server on embedded SQLite under ./data, and the demo product page.
 * Prints one URL to open. Ctrl-C stops everything.
 */
import { startStack } from "@ads-connect/demo";
import { ConfigError } from "@ads-connect/server";

const env: Record<string, string | undefined> = { ...process.env };
try {
  const stack = await startStack({
    env,
    demoPort: Number(env.DEMO_PORT ?? 5173),
    emulatorPort: Number(env.EMULATOR_PORT ?? 4011),
    adsEmulatorPort: Number(env.ADS_EMULATOR_PORT ?? 4012),
  });
  console.log(`
  ads-connect is running. Open the demo:

    ${stack.demo.url}

  and click "Connect Microsoft Ads".

    ads-connect server   ${stack.server.url}
    identity provider    ${stack.emulator ? `local Entra emulator at ${stack.emulator.url} (test users, no Microsoft account needed)` : "Microsoft Entra ID"}
    Microsoft Ads API    ${stack.ads ? `local Microsoft Advertising emulator at ${stack.ads.url}` : (stack.server.config.microsoft.adsApiUrl ?? `Microsoft Advertising (${stack.server.config.microsoft.adsEnvironment})`)}
    database             ${stack.server.config.databaseUrl ? "PostgreSQL (DATABASE_URL)" : stack.server.config.databaseFile}
    list connections     curl -H "Authorization: Bearer $(cat data/secret-key)" ${stack.server.url}/connections

  Press Ctrl-C to stop.
`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    stack.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
