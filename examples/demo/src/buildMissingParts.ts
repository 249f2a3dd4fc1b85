import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const packageDir = (name: string) => fileURLToPath(new URL(`../../../packages/${name}/`, import.meta.url));
const CONSOLE_INDEX = fileURLToPath(new URL("../../../packages/server/console-app/index.html", import.meta.url));
const WIDGET_SCRIPT = fileURLToPath(new URL("../../../packages/widget/dist/widget.js", import.meta.url));

/**
 * Builds what the server serves from other packages unless it is there already: `pnpm start` right
 * after `pnpm install` has no build, and the server would answer `/console` "not built" and
 * `/widget.js` (the plain-HTML example's script) 404.
 */
export async function buildMissingParts(): Promise<void> {
  await Promise.all([
    // packages/console/vite.config.ts says where the build goes (the server's console-app/).
    existsSync(CONSOLE_INDEX) ||
      build({
        root: packageDir("console"),
        logLevel: "warn",
        build: {
          rollupOptions: {
            // TanStack Query's "use client" markers mean nothing in a client-only bundle.
            onwarn(warning, warn) {
              if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
            },
          },
        },
      }),
    // The widget's script-tag build alone (its `script` mode), into its dist/.
    existsSync(WIDGET_SCRIPT) || build({ root: packageDir("widget"), mode: "script", logLevel: "warn" }),
  ]);
}
