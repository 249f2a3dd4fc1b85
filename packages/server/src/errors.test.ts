import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { AppError, ConnectFlowError } from "./errors.js";

const SRC = fileURLToPath(new URL(".", import.meta.url));

/**
 * Error classes that are not AppErrors, because they never reach a response as themselves; each
 * says why in a comment at its declaration.
 */
const INTERNAL = new Set([
  "config.ts:ConfigError",
  "connect/callbackFlow.ts:ResultAlreadyRecorded",
  "connections/refreshFailures.ts:NoTokenBudget",
  "tokens/tokenCipher.ts:UnreadableSecretError",
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "testing" ? [] : sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

interface DeclaredClass {
  file: string;
  name: string;
  parent: string;
  exported: boolean;
}

/** Every `class X extends Y` in src (tests and test helpers aside). */
function declaredClasses(): DeclaredClass[] {
  return sourceFiles(SRC).flatMap((path) =>
    [...readFileSync(path, "utf8").matchAll(/^(export )?(?:abstract )?class (\w+)(?:<[^>]*>)? extends (\w+)/gm)].map((m) => ({
      file: relative(SRC, path).split("\\").join("/"),
      name: m[2]!,
      parent: m[3]!,
      exported: m[1] !== undefined,
    })),
  );
}

/** The classes whose chain of parents ends at a built-in error (Error, TypeError, …). */
function errorClasses(classes: DeclaredClass[]): DeclaredClass[] {
  const byName = new Map(classes.map((c) => [c.name, c]));
  const isBuiltinError = (name: string) => {
    const value = (globalThis as Record<string, unknown>)[name];
    return typeof value === "function" && (value === Error || value.prototype instanceof Error);
  };
  const isError = (c: DeclaredClass, depth = 0): boolean => {
    if (isBuiltinError(c.parent)) return true;
    const parent = byName.get(c.parent);
    return parent !== undefined && depth < 10 && isError(parent, depth + 1);
  };
  return classes.filter((c) => isError(c));
}

describe("the error family", () => {
  const errors = errorClasses(declaredClasses());

  it("finds the error classes in src", () => {
    expect(errors.map((c) => c.name)).toEqual(
      expect.arrayContaining(["AppError", "ConnectFlowError", "MsAdsError", "DatabaseBusyError", "ActionError", "NoTokenBudget"]),
    );
  });

  it("every error class in src extends AppError, or is listed as internal", async () => {
    const outsiders: string[] = [];
    for (const c of errors) {
      const id = `${c.file}:${c.name}`;
      if (INTERNAL.has(id) || c.name === "AppError") continue;
      if (!c.exported) {
        outsiders.push(`${id} (not exported: make it an AppError, or list it as internal)`);
        continue;
      }
      const module = (await import(join(SRC, c.file))) as Record<string, unknown>;
      const cls = module[c.name] as { prototype: unknown } | undefined;
      if (!cls || !(cls.prototype instanceof AppError)) outsiders.push(id);
    }
    expect(outsiders).toEqual([]);
  });

  it("lists only internal classes that still exist", () => {
    const ids = new Set(errors.map((c) => `${c.file}:${c.name}`));
    expect([...INTERNAL].filter((id) => !ids.has(id))).toEqual([]);
  });

  it("a failed connect attempt is an AppError whose status is its result page's", () => {
    const declined = new ConnectFlowError("consent_declined", "declined", "end_user", 65004);
    expect(declined).toBeInstanceOf(AppError);
    expect([declined.code, declined.status, declined.actor, declined.aadsts]).toEqual(["consent_declined", 400, "end_user", 65004]);
    expect(new ConnectFlowError("provider_error", "?", "none").status).toBe(502);
    expect(new ConnectFlowError("provider_temporarily_unavailable", "later", "none").status).toBe(503);
  });
});
