import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = new URL("../", import.meta.url);

/**
 * Inside this repository the workspace packages run from their TypeScript source: the mapping is
 * `compilerOptions.paths` in tsconfig.base.json (read by tsc and tsx), turned here into Vite
 * aliases for vitest and the demo's build. Published packages point only at their built dist.
 */
export function sourceAliases(): { find: RegExp; replacement: string }[] {
  const base = JSON.parse(readFileSync(new URL("tsconfig.base.json", ROOT), "utf8")) as { compilerOptions: { paths: Record<string, string[]> } };
  return Object.entries(base.compilerOptions.paths).map(([specifier, [target]]) => ({
    find: new RegExp(`^${specifier.replace(/[/.-]/g, (c) => `\\${c}`)}$`),
    replacement: fileURLToPath(new URL(target ?? "", ROOT)),
  }));
}
