import { fileURLToPath } from "node:url";
import { build } from "vite";
import { sourceAliases } from "../../../scripts/sourceAliases.js";

const WEB = fileURLToPath(new URL("../web", import.meta.url));

/** Builds the demo page into `outDir` (the widget from its source, one copy of React). */
export async function buildDemoPage(outDir: string): Promise<void> {
  await build({
    root: WEB,
    configFile: false,
    logLevel: "warn",
    resolve: {
      // The widget from its TypeScript source (tsconfig.base.json `paths`); published, it is dist.
      alias: sourceAliases(),
      dedupe: ["react", "react-dom"],
    },
    build: {
      outDir,
      emptyOutDir: true,
      target: "es2022",
      rollupOptions: {
        // TanStack Query's "use client" markers mean nothing in a client-only bundle.
        onwarn(warning, warn) {
          if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
        },
      },
    },
  });
}
