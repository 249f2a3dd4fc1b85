import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const CONSOLE_DIR = fileURLToPath(new URL("../../../packages/console/", import.meta.url));
const BUILT_INDEX = fileURLToPath(new URL("../../../packages/server/console-app/index.html", import.meta.url));

/**
 * Builds the operator console into the server package unless it is there already: `pnpm start`
 * right after `pnpm install` has no build, and the server would answer `/console` "not built".
 */
export async function buildConsoleAppIfMissing(): Promise<void> {
  if (existsSync(BUILT_INDEX)) return;
  // packages/console/vite.config.ts says where the build goes (the server's console-app/).
  await build({
    root: CONSOLE_DIR,
    logLevel: "warn",
    build: {
      rollupOptions: {
        // TanStack Query's "use client" markers mean nothing in a client-only bundle.
        onwarn(warning, warn) {
          if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
        },
      },
    },
  });
}
