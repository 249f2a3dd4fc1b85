import { fileURLToPath } from "node:url";
import { build, defaultClientConditions } from "vite";

const WEB = fileURLToPath(new URL("../web", import.meta.url));

/** Builds the demo page into `outDir` (the widget from its source, one copy of React). */
export async function buildDemoPage(outDir: string): Promise<void> {
  await build({
    root: WEB,
    configFile: false,
    logLevel: "warn",
    resolve: {
      // Workspace packages export their TypeScript source under this condition; published ones only dist.
      conditions: ["@ads-connect/source", ...defaultClientConditions],
      dedupe: ["react", "react-dom", "@tanstack/react-query"],
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
