// Import rules, checked by `pnpm check:imports` (part of `pnpm test`).
// The server's floors are those of packages/server/ARCHITECTURE.md: keep the two in step.
const { readdirSync } = require("node:fs");
const path = require("node:path");

const SERVER = "packages/server/src";

/** Folders of the server's `src/`, top floor (9) first. "." is the entry files at the top of src/, "ground" the ground-floor ones. */
const FLOORS = [
  [".", "cli"],
  ["http", "routes"],
  ["connect"],
  ["accounts", "sync", "proxy", "actions", "admin", "integration", "doctor", "console"],
  ["connections"],
  ["msads"],
  ["oauth"],
  ["webhooks", "alerts", "jobs"],
  ["store", "tokens", "telemetry", "oplog"],
  ["ground", "lifecycle", "util"],
].map((folders, i, all) => ({ floor: all.length - 1 - i, folders }));

const ENTRY_FILES = ["index", "main", "server", "app", "actions", "composition"];
const GROUND_FILES = [
  "config",
  "configTypes",
  "envSchema",
  "envSchemaFields",
  "envSchemaJobs",
  "envSchemaProxy",
  "envSchemaSyncs",
  "envSchemaTelemetry",
  "errors",
  "logger",
  "tenant",
];

/** Imports between different folders of one floor, allowed only here (from → to). */
const SAME_FLOOR = {
  ".": ["cli"], // main.ts runs the CLI, which starts the server
  cli: ["."],
  routes: ["http"], // routes use http's request parsing, bearer token and health check
  actions: ["proxy"], // actions call Microsoft Advertising through the proxy
  tokens: ["store"], // token re-encryption and key usage read their rows through store/
  oplog: ["store"], // the operation log's recorder writes (and its API reads) through store/
  ground: ["lifecycle", "util"], // the ground floor is one unit
  lifecycle: ["ground", "util"],
  util: ["ground", "lifecycle"],
};

const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
function folderPattern(folder) {
  if (folder === ".") return `^${SERVER}/(${ENTRY_FILES.join("|")})\\.ts$`;
  if (folder === "ground") return `^${SERVER}/(${GROUND_FILES.join("|")})\\.ts$`;
  return `^${SERVER}/${escapeRegex(folder)}/`;
}
const anyOf = (folders) => folders.map(folderPattern).join("|");

// A folder or top-level file with no floor fails here rather than escaping every rule.
// testing/ (test helpers) and docs/ (the reference generator and docs checks) are not built and have no floor.
const known = new Set(FLOORS.flatMap((f) => f.folders).concat("testing", "docs"));
for (const entry of readdirSync(path.join(__dirname, SERVER), { withFileTypes: true })) {
  const name = entry.name.replace(/(\.test)?\.ts$/, "");
  const placed = entry.isDirectory() ? known.has(name) : ENTRY_FILES.includes(name) || GROUND_FILES.includes(name);
  if (!placed) throw new Error(`${SERVER}/${entry.name} has no floor: add it to .dependency-cruiser.cjs and packages/server/ARCHITECTURE.md`);
}

/** Test code: test files, test helpers and their folders, and the server's docs tooling. Never imported by source, never built. */
const TEST_CODE = [
  "\\.test\\.tsx?$",
  "/src/testing/",
  `^${SERVER}/docs/`,
  "^packages/widget/test/",
  "^packages/widget/src/core/testPopup\\.ts$",
  "^packages/widget/src/react/testRender\\.tsx$",
];
const SOURCE = "^packages/[^/]+/src/";

const floorRules = FLOORS.flatMap(({ floor, folders }) => {
  const higher = FLOORS.filter((f) => f.floor > floor).flatMap((f) => f.folders);
  const upward =
    higher.length === 0
      ? []
      : [
          {
            name: `server-floor-${floor}-imports-upward`,
            comment: `Floor ${floor} (${folders.join(", ")}) imports only from its own floor or below (ARCHITECTURE.md).`,
            severity: "error",
            from: { path: anyOf(folders), pathNot: TEST_CODE },
            to: { path: anyOf(higher) },
          },
        ];
  const sideways = folders.flatMap((folder) => {
    const others = folders.filter((f) => f !== folder && !(SAME_FLOOR[folder] ?? []).includes(f));
    return others.length === 0
      ? []
      : [
          {
            name: `server-floor-${floor}-sideways`,
            comment: `Between folders of floor ${floor} only the imports listed in .dependency-cruiser.cjs (SAME_FLOOR) and ARCHITECTURE.md.`,
            severity: "error",
            from: { path: folderPattern(folder), pathNot: TEST_CODE },
            to: { path: anyOf(others) },
          },
        ];
  });
  return [...upward, ...sideways];
});

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "No import cycles, in any package (types included).",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    ...floorRules,
    {
      name: "kysely-only-in-store",
      comment: "Every query lives in store/: only store/ imports kysely.",
      severity: "error",
      from: { path: `^${SERVER}/`, pathNot: [`^${SERVER}/store/`, ...TEST_CODE] },
      to: { path: "/node_modules/kysely/" },
    },
    {
      name: "opentelemetry-sdk-only-in-telemetry",
      comment:
        "The code calls @opentelemetry/api only; the SDK and exporters are loaded (by dynamic import, when OTEL_* asks for them) by telemetry/sdk.ts alone.",
      severity: "error",
      from: { path: `^${SERVER}/`, pathNot: [`^${SERVER}/telemetry/sdk\\.ts$`, ...TEST_CODE] },
      to: { path: "/node_modules/@opentelemetry/(?!api/)" },
    },
    {
      name: "no-test-code-in-source",
      comment: "Source never imports test files or test helpers (they are not built nor published).",
      severity: "error",
      from: { path: SOURCE, pathNot: TEST_CODE },
      to: { path: TEST_CODE },
    },
    {
      name: "no-unresolvable",
      comment: "Every import resolves (a package missing from package.json fails here).",
      severity: "error",
      from: { path: SOURCE },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    tsConfig: { fileName: "tsconfig.json" },
    // Type-only imports count: they are edges of the design even when erased from the build.
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^packages/[^/]+/dist/" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".d.ts"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
