import { DEV_CLIENT_ID, DEV_CLIENT_SECRET } from "./devClient.js";
import { startEntraEmulator } from "./startEntraEmulator.js";

// Run with `tsx src/main.ts`; PORT (default 4011) and HOST (default 127.0.0.1) choose where it listens.
const emulator = await startEntraEmulator({
  port: Number(process.env.PORT ?? 4011),
  host: process.env.HOST ?? "127.0.0.1",
  logger: (line) => console.log(`[entra-emulator] ${line}`),
}).catch((err: unknown) => {
  console.error(`Entra emulator could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

console.log(`Entra emulator (development only) at ${emulator.url}
  discovery      ${emulator.url}/common/v2.0/.well-known/openid-configuration
  client id      ${DEV_CLIENT_ID}
  client secret  ${DEV_CLIENT_SECRET}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
