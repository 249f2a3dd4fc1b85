import { defineConfig, type Plugin } from "vitest/config";

// Workspace packages resolve to their TypeScript source under this export condition (their
// published exports point at dist only), so tests never need a build. A plugin puts it first in
// every Vite environment: the test files' and also the one global setups load through.
const SOURCE = "@ads-connect/source";
const sourceFirst: Plugin = {
  name: "ads-connect-source-condition",
  configEnvironment(name, config) {
    const client = (config.consumer ?? (name === "client" ? "client" : "server")) === "client";
    const defaults = client ? ["module", "browser", "development|production"] : ["module", "node", "development|production"];
    return { resolve: { conditions: [SOURCE, ...(config.resolve?.conditions ?? defaults)] } };
  },
};
const fromSource = { plugins: [sourceFirst] };

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        ...fromSource,
        test: {
          name: "packages",
          include: ["packages/*/src/**/*.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        ...fromSource,
        // The React hook and component in a DOM, against a real server started once in the main
        // process (a DOM environment replaces the `fetch` a server in the test process would use).
        test: {
          name: "widget-dom",
          include: ["packages/widget/src/**/*.test.tsx"],
          environment: "happy-dom",
          environmentOptions: { happyDOM: { url: "http://app.localhost:5173/" } },
          globalSetup: ["packages/widget/test/serverSetup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        ...fromSource,
        // Real Chromium over the demo; one file at a time keeps a 2-core machine responsive.
        test: {
          name: "e2e",
          include: ["e2e/**/*.test.ts"],
          globalSetup: ["e2e/buildPage.ts"],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        ...fromSource,
        // The packed packages installed with npm outside the workspace (needs `pnpm -r build` first).
        test: {
          name: "packaging",
          include: ["packaging/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
