import { defineConfig } from "vitest/config";
import { sourceAliases } from "./scripts/sourceAliases.js";

// Workspace packages resolve to their TypeScript source (tsconfig.base.json `paths`), so tests never
// need a build; the packaging project installs the built, packed packages instead.
const fromSource = { resolve: { alias: sourceAliases() } };

// The storage-touching tests run twice: on SQLite (the default) and on a real PostgreSQL that
// postgresGlobalSetup starts for the run (each test server gets its own database).
const POSTGRES = { ADS_CONNECT_TEST_DATABASE: "postgres" };
const POSTGRES_SETUP = "packages/server/src/testing/postgresGlobalSetup.ts";
// Pure unit tests with no database, and tests of SQLite's own mechanisms (its file, locks and
// concurrent migrations), are not repeated on PostgreSQL.
const NO_STORAGE = [
  "packages/server/src/config.test.ts",
  "packages/server/src/tokens/**",
  "packages/server/src/connections/credentialCache.test.ts",
  "packages/server/src/oauth/scopes.test.ts",
  "packages/server/src/msads/timeZones.test.ts",
  "packages/server/src/store/databaseBusy.test.ts",
  "packages/server/src/store/fileModes.test.ts",
  "packages/server/src/store/concurrentMigrations.test.ts",
  "packages/server/src/store/walCheckpointer.test.ts",
  // SQLite's kept rows, checked against its change stamp (PostgreSQL's: tokenReadCache.pg.test.ts).
  "packages/server/src/connections/tokenReadCache.test.ts",
  // The docs checks read files and compile snippets; no database.
  "packages/server/src/docs/**",
  // Which modules a server start loads, in a child process of its own (SQLite).
  "packages/server/src/telemetry/noSdk.test.ts",
  "packages/server/src/telemetry/otelSettings.test.ts",
  // The refresh simulation runs on its own SQLite file under a fake clock.
  "packages/server/src/connections/refreshCost.simulation.test.ts",
];

// Most tests wait on real HTTP servers and databases rather than the CPU, so several files run at
// once even on two cores (VITEST_MAX_WORKERS overrides).
const WORKERS = 4;
// Test files share a worker process (projects do not inherit the root's `isolate`): each file
// starts its own servers and databases, and nothing depends on module state left by another file,
// so importing the server once per worker instead of once per file is safe and saves most of the
// import time.
const SHARED_WORKERS = { isolate: false };

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: WORKERS,
    projects: [
      {
        ...fromSource,
        test: {
          name: "packages",
          ...SHARED_WORKERS,
          include: ["packages/*/src/**/*.test.ts"],
          exclude: ["**/*.pg.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        ...fromSource,
        test: {
          name: "packages-pg",
          ...SHARED_WORKERS,
          include: ["packages/server/src/**/*.test.ts", "packages/widget/src/core/connect.server.test.ts"],
          exclude: NO_STORAGE,
          env: POSTGRES,
          globalSetup: [POSTGRES_SETUP],
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
          ...SHARED_WORKERS,
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
        test: {
          name: "widget-dom-pg",
          ...SHARED_WORKERS,
          include: ["packages/widget/src/**/*.test.tsx"],
          environment: "happy-dom",
          environmentOptions: { happyDOM: { url: "http://app.localhost:5173/" } },
          env: POSTGRES,
          globalSetup: [POSTGRES_SETUP, "packages/widget/test/serverSetup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        ...fromSource,
        // Real Chromium over the demo, after the other projects (its own group): two files at a time
        // keeps a 2-core machine responsive.
        test: {
          name: "e2e",
          include: ["e2e/**/*.test.ts"],
          globalSetup: ["e2e/buildPage.ts"],
          sequence: { groupOrder: 1 },
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        ...fromSource,
        // The packed packages installed with npm outside the workspace (needs `pnpm -r build` first).
        test: {
          name: "packaging",
          ...SHARED_WORKERS,
          include: ["packaging/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
