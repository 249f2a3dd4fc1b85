import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript source under this export condition (their
// published exports point at dist only), so tests never need a build.
const SOURCE = "@ads-connect/source";
const fromSource = {
  // Vite's default conditions, after ours.
  resolve: { conditions: [SOURCE, "module", "browser", "development|production"] },
  ssr: { resolve: { conditions: [SOURCE, "module", "node", "development|production"] } },
};

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
