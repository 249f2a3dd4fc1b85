import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { references } from "../packages/server/src/docs/references.js";

// `pnpm docs:reference`: rewrites the references generated from the code (a test fails when they differ).
const ROOT = fileURLToPath(new URL("../", import.meta.url));
for (const [file, content] of Object.entries(references())) {
  mkdirSync(path.dirname(path.join(ROOT, file)), { recursive: true });
  writeFileSync(path.join(ROOT, file), content);
  console.log(`wrote ${file}`);
}
