import type { Stack } from "./startStack.js";

/** What `pnpm start` prints once everything listens: the demo to open, the operator console and its key, the rest. */
export function startMessage(stack: Stack): string {
  const { server } = stack;
  const key = stack.operatorConsole.generatedKey ?? "(your CONSOLE_OPERATOR_KEY)";
  return `
  ads-connect is running. Open the demo:

    ${stack.demo.url}

  and click "Connect Microsoft Ads".

    operator console     ${stack.operatorConsole.url}
    operator key         ${key}
    ads-connect server   ${server.url}
    identity provider    ${stack.emulator ? `local Entra emulator at ${stack.emulator.url} (test users, no Microsoft account needed)` : "Microsoft Entra ID"}
    Microsoft Ads API    ${stack.ads ? `local Microsoft Advertising emulator at ${stack.ads.url}` : (server.config.microsoft.adsApiUrl ?? `Microsoft Advertising (${server.config.microsoft.adsEnvironment})`)}
    database             ${server.config.databaseUrl ? "PostgreSQL (DATABASE_URL)" : server.config.databaseFile}
    list connections     curl -H "Authorization: Bearer $(cat data/secret-key)" ${server.url}/connections

  Press Ctrl-C to stop.
`;
}
