import { createInterface } from "node:readline";
import { createDatabase } from "../store/createDatabase.js";

// A child process for concurrency tests: loads everything, says "ready", and on "go" opens (and
// migrates) the database file given as its argument, then says "ok" or exits 1 with the error.
const file = process.argv[2]!;
process.stdout.write("ready\n");
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line !== "go") continue;
  try {
    const db = await createDatabase(file);
    await db.destroy();
    process.stdout.write("ok\n");
    process.exit(0);
  } catch (err) {
    process.stderr.write(`${String(err)} ${String((err as Error).cause ?? "")}\n`);
    process.exit(1);
  }
}
