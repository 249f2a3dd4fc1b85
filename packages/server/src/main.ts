#!/usr/bin/env node
import { runCli } from "./cli/runCli.js";

// The `ads-connect` command: `ads-connect --help` lists the subcommands.
const code = await runCli(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
if (code !== null) process.exitCode = code;
