import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

export interface UndeclaredImport {
  /** The file, relative to the package folder. */
  file: string;
  specifier: string;
  /** Why it would fail for a product that installs the package. */
  problem: "devDependency" | "not a dependency";
}

/** The package name of a bare specifier (`@scope/name/sub` → `@scope/name`), or null for a relative or built-in one. */
function packageName(specifier: string): string | null {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return null;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
  return builtinModules.includes(name) ? null : name;
}

function filesUnder(dir: string, root: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : filesUnder(full, root);
    return /\.(c|m)?js$|\.d\.(c|m)?ts$/.test(e.name) ? [path.relative(root, full)] : [];
  });
}

/**
 * Every import (static, dynamic with a literal, `export … from`, `require`) in the JavaScript and
 * declaration files of an installed package that names a package the product does not get with it:
 * a devDependency, or one not declared at all. Comments are not imports (TypeScript's scanner reads them).
 */
export function undeclaredImports(packageDir: string): UndeclaredImport[] {
  const manifest = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as Manifest & { devDependencies?: Record<string, string> };
  const declared = new Set([manifest.name, ...Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies })]);
  const dev = new Set(Object.keys(manifest.devDependencies ?? {}));
  const found: UndeclaredImport[] = [];
  for (const file of filesUnder(packageDir, packageDir)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(packageDir, file), "utf8"), true, true);
    for (const { fileName: specifier } of importedFiles) {
      const name = packageName(specifier);
      if (name === null || declared.has(name)) continue;
      found.push({ file, specifier, problem: dev.has(name) ? "devDependency" : "not a dependency" });
    }
  }
  return found;
}
