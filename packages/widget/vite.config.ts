import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const peers = [/^react($|\/)/, /^react-dom($|\/)/];

/**
 * Library build: ESM entries (everything, the framework-free core, the custom element), peers
 * external; with `--mode script`, the single-file script-tag build `dist/widget.js` (IIFE, minified,
 * the custom element and `window.AdsConnect`).
 */
export default defineConfig(({ mode }) => (mode === "script" ? script : library));

const script = defineConfig({
  build: {
    lib: { entry: fileURLToPath(new URL("src/script.ts", import.meta.url)), formats: ["iife"], name: "AdsConnect", fileName: () => "widget.js" },
    target: "es2020",
    minify: true,
    emptyOutDir: false,
    // One file (Vite inlines redirect mode's lazily loaded part in an IIFE).
    sourcemap: false,
  },
});

const library = defineConfig({
  // The published build always uses the production JSX runtime, whatever NODE_ENV the build ran under.
  oxc: { jsx: { runtime: "automatic", development: false } },
  build: {
    lib: {
      entry: {
        index: fileURLToPath(new URL("src/index.ts", import.meta.url)),
        core: fileURLToPath(new URL("src/core/index.ts", import.meta.url)),
        element: fileURLToPath(new URL("src/element/index.ts", import.meta.url)),
      },
      formats: ["es"],
    },
    target: "es2020",
    minify: false,
    sourcemap: true,
    rollupOptions: {
      external: (id) => peers.some((p) => p.test(id)),
      // The React entry is client code: Next.js (App Router) and other React Server Components
      // hosts may then import it from a server component. The core entry stays directive-free.
      output: {
        banner: (chunk) => (chunk.isEntry && chunk.name === "index" ? '"use client";' : ""),
        // A host's bundler names (and hashes) the chunks again: a hash here would be bytes in its build.
        chunkFileNames: "[name].js",
      },
    },
  },
});
