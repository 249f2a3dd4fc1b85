import { readdir } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Logger } from "pino";
import type { ActionRegistry } from "./actionRegistry.js";
import { isAction } from "./defineAction.js";

/** Modules ACTIONS_DIR may hold: TypeScript through tsx, JavaScript as ES modules. */
const EXTENSIONS = new Set([".ts", ".mts", ".js", ".mjs"]);
/** A module whose top level never settles (an await on a dead service) is given up on. */
const LOAD_TIMEOUT_MS = 15_000;

/**
 * Loads every module of ACTIONS_DIR (not its subfolders) in name order and registers the actions
 * each exports (default or named). A module that fails (syntax error, throws, exports no action,
 * reuses a name) is left out, logged once with its file and reason, and listed by GET /actions;
 * the rest load and the server runs on.
 */
export async function loadActionsDir(registry: ActionRegistry, dir: string, logger: Logger): Promise<void> {
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
  // tsx only when there is something to load (it brings esbuild).
  const { tsImport } = await import("tsx/esm/api");
  const load = (file: string) => tsImport(pathToFileURL(path.join(dir, file)).href, import.meta.url) as Promise<Record<string, unknown>>;
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
