import { defineConfig } from "vitest/config";
import { sourceAliases } from "./scripts/sourceAliases.js";

// Workspace packages resolve to their TypeScript source (tsconfig.base.json `paths`), so tests never
// need a build; the packaging project installs the built, packed packages instead.
const fromSource = { resolve: { alias: sourceAliases() } };

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
