// An open-loop load generator (its own process): sends requests at a fixed rate whatever the
// server does, and times each from when it was due (so a stall counts against every request it
// delays, no coordinated omission). Prints {sent, errors, p50, p99, max} in ms as JSON.
// Usage: tsx open-loop.ts <base url> <paths file (one path a line)> <rate/s> <seconds> <bearer>
import http from "node:http";
import { readFileSync } from "node:fs";

const [base, pathsFile, rateArg, secondsArg, bearer] = process.argv.slice(2);
const url = new URL(base!);
const paths = readFileSync(pathsFile!, "utf8").split("\n").filter(Boolean);
const rate = Number(rateArg);
const total = rate * Number(secondsArg);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const latencies: number[] = [];
let errors = 0;
let sent = 0;
let done = 0;
const start = performance.now();

function fire(due: number) {
  const path = paths[sent % paths.length]!;
  sent++;
  const req = http.request({ host: url.hostname, port: url.port, path, agent, headers: { authorization: `Bearer ${bearer}` } }, (res) => {
    res.resume();
    res.on("end", () => {
      if (res.statusCode !== 200) errors++;
      latencies.push(performance.now() - due);
      finish();
    });
  });
  req.on("error", () => {
    errors++;
    finish();
  });
  req.end();
}

function finish() {
  if (++done < total) return;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => Number((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN).toFixed(2));
  process.stdout.write(`${JSON.stringify({ sent, errors, p50: q(0.5), p99: q(0.99), max: q(1) })}\n`);
  agent.destroy();
}

// Every millisecond tick, send what is due by now.
const interval = 1000 / rate;
const timer = setInterval(() => {
  const now = performance.now();
  while (sent < total && start + sent * interval <= now) fire(start + sent * interval);
  if (sent >= total) clearInterval(timer);
}, 1);
