import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { API_PACKAGES, type ApiPackage, generateApiReference, referenceDir } from "./apiReference.js";

// `pnpm docs:api`: rewrites docs/reference/widget and docs/reference/node from the packages' source
// (TypeDoc); packages/node/src/apiReference.test.ts fails when the checked-in copy differs.
const ROOT = fileURLToPath(new URL("../", import.meta.url));
for (const pkg of Object.keys(API_PACKAGES) as ApiPackage[]) {
  const out = path.join(ROOT, referenceDir(pkg));
  rmSync(out, { recursive: true, force: true });
  await generateApiReference(pkg, out);
  console.log(`wrote ${referenceDir(pkg)}/`);
}
