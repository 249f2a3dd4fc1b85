import { fileURLToPath } from "node:url";
import { build } from "vite";

const WEB = fileURLToPath(new URL("../web", import.meta.url));
const WIDGET = fileURLToPath(new URL("../../../packages/widget/src/index.ts", import.meta.url));

/** Builds the demo page into `outDir` (the widget from source, one copy of React). */
export async function buildDemoPage(outDir: string): Promise<void> {
  await build({
    root: WEB,
    configFile: false,
    logLevel: "warn",
    resolve: {
      alias: { "@ads-connect/widget": WIDGET },
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
