/**
 * `pnpm docs:openapi`: writes docs/reference/openapi.json from the server's route list and the shared
 * zod schemas (the server builds the same document for `GET /openapi.json`). `--check` fails instead
 * of writing when the file is out of date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildOpenApiDocument } from "../packages/server/src/routes/openapi/document.js";

export const OPENAPI_FILE = fileURLToPath(new URL("../docs/reference/openapi.json", import.meta.url));

export function renderOpenApiFile(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = renderOpenApiFile();
  const current = (() => {
    try {
      return readFileSync(OPENAPI_FILE, "utf8");
    } catch {
      return "";
    }
  })();
  if (process.argv.includes("--check")) {
    if (current !== text) {
      console.error("docs/reference/openapi.json is out of date: run pnpm docs:openapi");
      process.exit(1);
    }
  } else {
    writeFileSync(OPENAPI_FILE, text);
    console.log(current === text ? "docs/reference/openapi.json is up to date" : "wrote docs/reference/openapi.json");
  }
}
