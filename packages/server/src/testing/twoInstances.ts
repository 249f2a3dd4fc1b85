import { afterAll, beforeAll } from "vitest";
import type { RunningServer } from "../server.js";
import { type Harness, startHarness } from "./harness.js";

/**
 * A test file's two server instances on one database (one SQLite file, or one PostgreSQL database
 * in packages-pg), started before its tests and closed after them; `ready` receives both.
 */
export function twoInstancesForFile(env: Record<string, string>, ready: (a: Harness, b: RunningServer) => void): void {
  let a: Harness | undefined;
  let b: RunningServer | undefined;
  beforeAll(async () => {
    a = await startHarness({ env });
    b = await a.startInstance();
    ready(a, b);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });
}
