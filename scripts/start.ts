/**
 * `pnpm start`: the whole product on this machine with zero configuration: the local Entra and
 * Microsoft Advertising emulators (unless MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET are set;
 * then real Microsoft Entra and Microsoft Advertising are used), the ads-connect server on embedded SQLite under ./data, and the demo product page.
 * Prints the URL to open, and the operator console's with a key made for this start. Ctrl-C stops everything.
 */
import { startMessage, startStack } from "@ads-connect/demo";
import { ConfigError } from "@ads-connect/server";

const env: Record<string, string | undefined> = { ...process.env };
try {
  const stack = await startStack({
    env,
    demoPort: Number(env.DEMO_PORT ?? 5173),
    emulatorPort: Number(env.EMULATOR_PORT ?? 4011),
    adsEmulatorPort: Number(env.ADS_EMULATOR_PORT ?? 4012),
  });
  console.log(startMessage(stack));
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
