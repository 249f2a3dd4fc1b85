import { ConfigError } from "../config.js";
import { doctorCli } from "../doctor/doctorCli.js";
import { startAdsConnect } from "../server.js";
import { reencryptCli } from "../tokens/reencrypt.js";
import type { CliIo } from "./cliIo.js";
import { migrateCli } from "./migrateCli.js";

interface Command {
  summary: string;
  /** Resolves to the exit code; `null` when the process keeps running (the server). */
  run(args: string[], io: CliIo): Promise<number | null>;
}

/** Every subcommand of `ads-connect`; a new one is one more entry. */
const COMMANDS: Record<string, Command> = {
  start: { summary: "start the server (the default when no command is given)", run: startCommand },
  doctor: {
    summary: "check the configuration, redirect URIs and client secret, then exit (ads-connect doctor --help)",
    run: (args, io) => doctorCli(args, io.env, io.out),
  },
  migrate: { summary: "apply the database migrations and exit (run before starting a new version)", run: (_args, io) => migrateCli(io) },
  reencrypt: {
    summary: "re-encrypt every stored token with the first ENCRYPTION_KEYS key, then exit (key rotation)",
    run: (args, io) => reencryptCli(args, io.env, io.out),
  },
  help: {
    summary: "show this help",
    run: async (_args, io) => {
      io.out(usage());
      return 0;
    },
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return `Usage: ads-connect [command]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  .join("\n")}

Main environment variables (docs/reference/configuration.md lists all):
  NODE_ENV=production              refuse development defaults; then the variables below marked * are required
  PORT, HOST, PUBLIC_URL*          where the server listens and the URL browsers and Microsoft reach it at
  MICROSOFT_CLIENT_ID, MICROSOFT_CLIENT_SECRET, MICROSOFT_TENANT
                                   your Entra app registration
  ADS_CONNECT_SECRET_KEY*          the key your backend calls the API with
  ADS_CONNECT_SECRET_KEYS          more valid keys, comma-separated (while rotating)
  ADS_CONNECT_WEBHOOK_SIGNING_KEY* signs the webhooks sent to WEBHOOK_URL
  ENCRYPTION_KEYS*                 encrypt stored tokens, e.g. k1:<base64 of 32 random bytes>
  ALLOWED_ORIGINS*                 origins of the pages that embed the widget
  DATA_DIR, DATABASE_FILE          where the SQLite database lives (default ./data)
`;
}

/** `ads-connect [command] [args]`: the exit code, or `null` while the server runs. */
export async function runCli(argv: string[], io: CliIo): Promise<number | null> {
  const [given = "start", ...args] = argv;
  const name = given === "--help" || given === "-h" ? "help" : given;
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err(`Unknown command "${given}".\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

async function startCommand(_args: string[], io: CliIo): Promise<null> {
  const server = await startAdsConnect({ env: io.env });
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return null;
}
