import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/**
 * The console builds into the server package (`packages/server/console-app/`, published with it
 * and served at `/console`). No inline script or style: the server's CSP allows only its own files.
 * The server rewrites the `/console/` base in index.html when PUBLIC_URL has a path prefix.
 */
export default defineConfig({
  base: "/console/",
  oxc: { jsx: { runtime: "automatic", development: false } },
  build: {
    outDir: fileURLToPath(new URL("../server/console-app/", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // The polyfill would be an inline script; every browser the console supports has modulepreload.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
