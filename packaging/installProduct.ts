import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { productEnv, run } from "./processes.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const HERE = fileURLToPath(new URL(".", import.meta.url));
export const PACKAGES = ["shared", "node", "server", "entra-emulator", "widget"] as const;

/** The workspace's installed version of a dependency, so the product uses what the repo uses (and the npm cache has it). */
function versionOf(from: string, name: string): string {
  const require = createRequire(path.join(ROOT, from, "package.json"));
  return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;
}

function pnpm(args: string[], cwd: string): Promise<string> {
  const execPath = process.env.npm_execpath;
  return execPath && /pnpm/.test(execPath)
    ? run(process.execPath, [execPath, ...args], { cwd, env: { ...process.env } as Record<string, string> })
    : run("npx", ["-y", "pnpm@10", ...args], { cwd, env: { ...process.env } as Record<string, string> });
}

/**
 * Packs every package (already built: `pnpm test` runs `pnpm -r build` first) and installs the
 * tarballs with plain npm into `dir`, outside the workspace, next to a Vite + React host app and
 * the scripts a product backend would have. One `npm install` for everything.
 */
export async function installProduct(dir: string): Promise<void> {
  for (const name of PACKAGES) {
    if (!existsSync(path.join(ROOT, "packages", name, "dist")))
      throw new Error(`packages/${name} is not built: run \`pnpm -r build\` first (\`pnpm test\` does)`);
  }
  const tarballs = path.join(dir, "tarballs");
  await pnpm(["-r", "--filter", "./packages/*", "pack", "--pack-destination", tarballs], ROOT);
  const tarball = (name: string) => {
    const file = readdirSync(tarballs).find((f) => f.startsWith(`ads-connect-${name}-`) && f.endsWith(".tgz"));
    if (!file) throw new Error(`no tarball for @ads-connect/${name}`);
    return `file:${path.join(tarballs, file)}`;
  };

  cpSync(path.join(HERE, "host-app"), dir, { recursive: true });
  cpSync(path.join(HERE, "scripts"), dir, { recursive: true });
  const sqliteVersion = versionOf("packages/server", "better-sqlite3");
  const widgetDev = (name: string) => versionOf("packages/widget", name);
  const manifest = {
    name: "product",
    private: true,
    type: "module",
    dependencies: {
      ...Object.fromEntries(PACKAGES.map((name) => [`@ads-connect/${name}`, tarball(name)])),
      react: widgetDev("react"),
      "react-dom": widgetDev("react-dom"),
      "@tanstack/react-query": widgetDev("@tanstack/react-query"),
      vite: widgetDev("vite"),
      typescript: versionOf(".", "typescript"),
      "@types/react": widgetDev("@types/react"),
      "@types/react-dom": widgetDev("@types/react-dom"),
    },
    // The same better-sqlite3 the workspace compiled, whose binary is offered below.
    overrides: { "better-sqlite3": sqliteVersion },
    allowScripts: { "better-sqlite3": true },
  };
  writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);

  // better-sqlite3's install script (prebuild-install) first looks for a local prebuilt binary;
  // offering the workspace's own build of the same version spares minutes of compiling SQLite.
  const prebuilds = path.join(dir, "prebuilds");
  mkdirSync(prebuilds);
  const sqliteDir = path.dirname(createRequire(path.join(ROOT, "packages/server/package.json")).resolve("better-sqlite3/package.json"));
  const binary = `better-sqlite3-v${sqliteVersion}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  if (existsSync(path.join(sqliteDir, "build/Release/better_sqlite3.node"))) {
    await run("tar", ["czf", path.join(prebuilds, binary), "build/Release/better_sqlite3.node"], { cwd: sqliteDir });
  }
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: dir,
    env: productEnv({ npm_config_better_sqlite3_local_prebuilds: prebuilds }),
  });
}
