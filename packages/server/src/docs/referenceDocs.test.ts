import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ERROR_CATALOGUE, ERROR_CODES } from "@ads-connect/shared";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { EnvSchema } from "../envSchema.js";
import { envVariableDocs } from "./configReference.js";
import { references } from "./references.js";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** Source files of a package's src, without tests and test helpers. */
function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && !f.split(path.sep).includes("testing"))
    .map((f) => path.join(ROOT, dir, f));
}

describe("generated references", () => {
  it.each(Object.keys(references()))("%s matches the code", (file) => {
    const checkedIn = readFileSync(path.join(ROOT, file), "utf8");
    // A plain boolean first, so the failure says what to do rather than only showing a long diff.
    expect(checkedIn === references()[file], `${file} differs from the code: run pnpm docs:reference and commit the result`).toBe(true);
  });

  it("every env variable has a one-line description", () => {
    const undocumented = envVariableDocs().filter((v) => v.description.trim() === "" || v.description.includes("\n"));
    expect(undocumented.map((v) => v.name)).toEqual([]);
  });

  it("every env variable the server or the node client reads is in the env schema", () => {
    const keys = new Set(Object.keys(EnvSchema.shape));
    const read = new Set<string>();
    for (const file of [...sources("packages/server/src"), ...sources("packages/node/src")]) {
      for (const m of readFileSync(file, "utf8").matchAll(/\benv(?:\.([A-Z][A-Z0-9_]*)|\[\s*"([A-Z][A-Z0-9_]*)"\s*\])/g)) read.add(m[1] ?? m[2]!);
    }
    expect(read.size).toBeGreaterThan(0);
    expect([...read].filter((name) => !keys.has(name))).toEqual([]);
  });

  it("every code has a message and what to do; each status an AppError is thrown with is in the catalogue", () => {
    for (const code of ERROR_CODES) {
      const entry = ERROR_CATALOGUE[code];
      expect(entry.message.length, code).toBeGreaterThan(0);
      expect(entry.action.length, code).toBeGreaterThan(0);
    }
    // `new AppError("code", message, status?)` with a literal code: its status (400 when left out).
    const missing: string[] = [];
    for (const file of sources("packages/server/src")) {
      const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        if (ts.isNewExpression(node) && node.expression.getText(source) === "AppError" && node.arguments?.[0] && ts.isStringLiteral(node.arguments[0])) {
          const code = node.arguments[0].text as keyof typeof ERROR_CATALOGUE;
          const status = node.arguments[2];
          const statuses = status === undefined ? [400] : ts.isNumericLiteral(status) ? [Number(status.text)] : [];
          for (const s of statuses) if (!ERROR_CATALOGUE[code]?.http.includes(s)) missing.push(`${code} ${s} (${path.relative(ROOT, file)})`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(missing, "add these statuses to ERROR_CATALOGUE (packages/shared/src/errorCatalogue.ts), then run pnpm docs:reference").toEqual([]);
  });
});
