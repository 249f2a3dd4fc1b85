import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import {
  DEV_CLIENT_ID,
  DEV_CLIENT_SECRET,
  type EntraEmulator,
  type MicrosoftAdsEmulator,
  startEntraEmulator,
  startMicrosoftAdsEmulator,
} from "@ads-connect/entra-emulator";
import { type RunningServer, type StartOptions, startAdsConnect } from "@ads-connect/server";
import { buildDemoPage } from "./buildDemoPage.js";
import { buildMissingParts } from "./buildMissingParts.js";
import { type DemoServer, startDemo } from "./startDemo.js";

export interface Stack {
  demo: DemoServer;
  server: RunningServer;
  /** Null when real Microsoft Entra is used. */
  emulator: EntraEmulator | null;
  /** The Microsoft Advertising emulator (with the Entra emulator only: it accepts that one's tokens). */
  ads: MicrosoftAdsEmulator | null;
  /**
   * The operator console at `url`. `generatedKey` is the operator key made for this start (shown to
   * the developer only by the demo's start message), or null when CONSOLE_OPERATOR_KEY was set.
   */
  operatorConsole: { url: string; generatedKey: string | null };
  close(): Promise<void>;
}

export interface StackOptions {
  /** Environment for the ads-connect server; MICROSOFT_CLIENT_ID + MICROSOFT_CLIENT_SECRET switch to real Entra. */
  env?: Record<string, string | undefined>;
  demoPort?: number;
  emulatorPort?: number;
  /** Port of the Microsoft Advertising emulator (default 0: any free port). */
  adsEmulatorPort?: number;
  /** A page already built by buildDemoPage (tests build once); otherwise it is built now, and the operator console too if it is not built. */
  staticDir?: string;
  logDestination?: StartOptions["logDestination"];
}

export const DEFAULT_STATIC_DIR = fileURLToPath(new URL("../dist", import.meta.url));

/**
 * Entra and Microsoft Advertising emulators (unless real Entra is configured), ads-connect server
 * and the demo, wired together.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const env: Record<string, string | undefined> = { ...options.env };
  const staticDir = options.staticDir ?? DEFAULT_STATIC_DIR;
  if (!options.staticDir) await Promise.all([buildDemoPage(staticDir), buildMissingParts()]);
  // The server's console is off without a key; the demo turns it on with one made for this start
  // (nothing to leak or reuse later), unless the developer set their own.
  const generatedKey = env.CONSOLE_OPERATOR_KEY ? null : randomBytes(32).toString("base64url");
  if (generatedKey) env.CONSOLE_OPERATOR_KEY = generatedKey;
  let emulator: EntraEmulator | null = null;
  let ads: MicrosoftAdsEmulator | null = null;
  if (!(env.MICROSOFT_CLIENT_ID && env.MICROSOFT_CLIENT_SECRET)) {
    emulator = await startEntraEmulator({ port: options.emulatorPort ?? 0 });
    env.ENTRA_EMULATOR_URL = emulator.url;
    env.MICROSOFT_CLIENT_ID = DEV_CLIENT_ID;
    env.MICROSOFT_CLIENT_SECRET = DEV_CLIENT_SECRET;
    // The emulator's access tokens mean nothing to Microsoft: its users' accounts come from the local one.
    if (!env.MICROSOFT_ADS_API_URL) {
      ads = await startMicrosoftAdsEmulator({ entra: emulator, port: options.adsEmulatorPort ?? 0 });
      env.MICROSOFT_ADS_API_URL = ads.url;
    }
  }
  const demo = await startDemo({ staticDir, ...(options.demoPort !== undefined ? { port: options.demoPort } : {}) });
  try {
    env.ALLOWED_ORIGINS = [demo.url, env.ALLOWED_ORIGINS].filter(Boolean).join(",");
    const server = await startAdsConnect({ env, ...(options.logDestination ? { logDestination: options.logDestination } : {}) });
    demo.attach({ url: server.url, secretKey: server.config.secretKey });
    return {
      demo,
      server,
      emulator,
      ads,
      operatorConsole: { url: `${server.url}/console`, generatedKey },
      async close() {
        await demo.close();
        await server.close();
        await ads?.close();
        await emulator?.close();
      },
    };
  } catch (err) {
    await demo.close();
    await ads?.close();
    await emulator?.close();
    throw err;
  }
}
