import { readdir } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Logger } from "pino";
import type { ActionRegistry } from "./actionRegistry.js";
import { isAction } from "./defineAction.js";

/** Modules ACTIONS_DIR may hold: TypeScript through tsx, JavaScript as ES modules. */
const EXTENSIONS = new Set([".ts", ".mts", ".js", ".mjs"]);
const TYPESCRIPT = new Set([".ts", ".mts"]);
/** A module whose top level never settles (an await on a dead service) is given up on. */
const LOAD_TIMEOUT_MS = 15_000;

type TsImport = (specifier: string, parentURL: string) => Promise<unknown>;
/** Loads tsx's API; tsx is an optional peer dependency (it brings esbuild), needed only for TypeScript modules. */
export type ImportTsx = () => Promise<{ tsImport: TsImport }>;
const importTsx: ImportTsx = () => import("tsx/esm/api");

/** The error a TypeScript module gets when tsx is not installed. */
export const TSX_MISSING =
  "TypeScript actions need tsx, an optional peer dependency of @ads-connect/server: install it beside the server (npm i tsx), or write the module in JavaScript (.mjs)";

/**
 * Loads every module of ACTIONS_DIR (not its subfolders) in name order and registers the actions
 * each exports (default or named). A module that fails (syntax error, throws, exports no action,
 * reuses a name) is left out, logged once with its file and reason, and listed by GET /actions;
 * the rest load and the server runs on.
 */
export async function loadActionsDir(registry: ActionRegistry, dir: string, logger: Logger, tsx: ImportTsx = importTsx): Promise<void> {
  let files: string[];
  try {
    files = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile() && EXTENSIONS.has(path.extname(e.name)) && !e.name.endsWith(".d.ts") && !e.name.startsWith("."))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    const reason = `ACTIONS_DIR cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`;
    registry.failures.push({ file: ".", reason });
    logger.error({ reason }, "custom actions not loaded");
    return;
  }
  let tsImport: Promise<TsImport> | undefined;
  const load = async (file: string) => {
    const url = pathToFileURL(path.join(dir, file)).href;
    if (!TYPESCRIPT.has(path.extname(file))) return (await import(url)) as Record<string, unknown>;
    tsImport ??= loadTsx(tsx);
    return (await (
      await tsImport
    )(url, import.meta.url)) as Record<string, unknown>;
  };
  for (const file of files) {
    const outcome = await loadModule(registry, file, () => load(file), dir);
    if (typeof outcome === "string") {
      registry.failures.push({ file, reason: outcome });
      logger.error({ file, reason: outcome }, "action module not loaded");
    } else {
      logger.info({ file, actions: outcome }, "actions loaded");
    }
  }
}

/** tsx's `tsImport`, or an error naming tsx when it is not installed. */
async function loadTsx(tsx: ImportTsx): Promise<TsImport> {
  try {
    return (await tsx()).tsImport;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") throw new Error(TSX_MISSING);
    throw err;
  }
}

/** The names registered from one module, or why it was not loaded. */
async function loadModule(registry: ActionRegistry, file: string, load: () => Promise<Record<string, unknown>>, dir: string): Promise<string[] | string> {
  let exports: Record<string, unknown>;
  try {
    exports = await withTimeout(load());
  } catch (err) {
    return `failed to load: ${describe(err, dir)}`;
  }
  // A TypeScript module compiled as CommonJS shows its exports under `default` as well.
  const nested = typeof exports.default === "object" && exports.default !== null && !isAction(exports.default) ? Object.values(exports.default) : [];
  const actions = [...new Set([...Object.values(exports), ...nested].filter(isAction))];
  if (actions.length === 0) {
    const exported = Object.keys(nested.length > 0 ? (exports.default as object) : exports).filter((k) => k !== "__esModule");
    return `exports no defineAction(...) result (exports: ${exported.length > 0 ? exported.join(", ") : "nothing"})`;
  }
  const names = actions.map((a) => a.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) return `duplicate action name "${twice}" within the module`;
  // All or nothing: a module one of whose names is taken registers none of its actions.
  const taken = actions.find((a) => registry.get(a.name));
  if (taken) return registry.add(taken, file)!;
  for (const action of actions) registry.add(action, file);
  return actions.map((a) => a.name);
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish loading within ${LOAD_TIMEOUT_MS / 1000} s`)), LOAD_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** The error in one line: its message without the stack or this machine's folder. */
function describe(err: unknown, dir: string): string {
  const text = err instanceof Error ? `${err.name === "Error" ? "" : `${err.name}: `}${err.message}` : String(err);
  const folder = path.resolve(dir) + path.sep;
  return text.split(folder).join("").split(pathToFileURL(folder).href).join("").replace(/\s+/g, " ").trim().slice(0, 500);
}
