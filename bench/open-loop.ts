// An open-loop load generator (its own process): sends requests at a fixed rate whatever the
// server does, and times each from when it was written to its socket, or from when it was due if
// it had to wait for a free socket (so a server stall counts against every request it delays, no
// coordinated omission), while the client's own timer lateness (its ticks are a millisecond apart,
// and late when the machine is busy) does not. Prints {sent, errors, p50, p99, max} in ms as JSON,
// and the same quantiles timed from when each request was due (`fromDue`: the client's lateness
// included).
// Usage: tsx open-loop.ts <base url> <paths file (one path a line)> <rate/s> <seconds> <bearer> [slow ms]
// With [slow ms], the output also lists the requests slower than that (`slow`: when they were sent
// (as above) as epoch ms, and their latency), to line them up with the server's trace (bench/stall-trace.ts).
//
// Built to measure a tail of a few milliseconds without adding one of its own: plain keep-alive
// TCP sockets opened before the first request (SOCKETS of them, so a stalled server sees every
// request due meanwhile, as from independent clients), each request's bytes built once up front,
// a minimal HTTP/1.1 response reader (status line and Content-Length; the body is skipped), times
// from `performance.now()` (the monotonic high-resolution clock) into preallocated arrays. Nothing is allocated per request but
// the chunks the sockets read, so the client's own GC stays out of the figures.

import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";

const [base, pathsFile, rateArg, secondsArg, bearer, slowArg] = process.argv.slice(2);
const url = new URL(base!);
const paths = readFileSync(pathsFile!, "utf8").split("\n").filter(Boolean);
const rate = Number(rateArg);
const total = Math.round(rate * Number(secondsArg));
const slowMs = slowArg === undefined ? Infinity : Number(slowArg);
const SOCKETS = Number(process.env.OPEN_LOOP_SOCKETS ?? 64);

const requests = paths.map((p) => Buffer.from(`GET ${p} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${bearer}\r\n\r\n`, "latin1"));
const interval = 1000 / rate;
/** Each request's latency once answered (ms from when it was sent, see above), NaN until then. */
const latencies = new Float64Array(total).fill(NaN);
/** The same, from when it was due. */
const fromDue = new Float64Array(total).fill(NaN);
/** When each request was written (performance.now()), or when it was due if it waited in the backlog. */
const sentAt = new Float64Array(total);
let start = 0;
const due = (i: number) => start + i * interval;
let sent = 0;
let done = 0;
let errors = 0;

const HEADER_END = Buffer.from("\r\n\r\n", "latin1");
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;

/** One keep-alive connection, one request at a time. */
interface Conn {
  socket: Socket;
  /** False once closed (then reopened, and idle again once connected). */
  open: boolean;
  /** The request it is waiting for, or -1 (idle). */
  request: number;
  /** The response read so far while its headers are incomplete; then its first 12 bytes (the status). */
  head: Buffer | undefined;
  /** Body bytes still to skip once the headers were read, or -1 while reading headers. */
  bodyLeft: number;
}

/** Idle connections, first in first out (each is used in turn, so none idles into the server's keep-alive timeout). */
const idle: Conn[] = [];
let idleHead = 0;
/** Requests due while every connection was busy, sent in order as connections free up. */
const backlog = new Int32Array(total);
let backlogHead = 0;
let backlogTail = 0;

function takeIdle(): Conn | undefined {
  while (idleHead < idle.length) {
    const conn = idle[idleHead++]!;
    if (idleHead > 4096) {
      idle.splice(0, idleHead);
      idleHead = 0;
    }
    if (conn.open) return conn;
  }
  return undefined;
}

function send(conn: Conn, i: number, at: number) {
  sentAt[i] = at;
  conn.request = i;
  conn.head = undefined;
  conn.bodyLeft = -1;
  conn.socket.write(requests[i % requests.length]!);
}

function answered(conn: Conn, ok: boolean) {
  const now = performance.now();
  latencies[conn.request] = now - sentAt[conn.request]!;
  fromDue[conn.request] = now - due(conn.request);
  if (!ok) errors++;
  conn.request = -1;
  done++;
  if (done === total) return finish();
  if (!conn.open) return;
  if (backlogHead < backlogTail) sendWaiting(conn);
  else idle.push(conn);
}

/** The oldest request waiting for a socket: timed from when it was due. */
function sendWaiting(conn: Conn) {
  const i = backlog[backlogHead++]!;
  send(conn, i, due(i));
}

const statusOk = (conn: Conn) => conn.head![9] === 0x32 && conn.head![10] === 0x30 && conn.head![11] === 0x30; // "200"

function onData(conn: Conn, chunk: Buffer) {
  let data = chunk;
  while (data.length > 0 && conn.request !== -1) {
    if (conn.bodyLeft >= 0) {
      const take = Math.min(conn.bodyLeft, data.length);
      conn.bodyLeft -= take;
      data = data.subarray(take);
      if (conn.bodyLeft === 0) answered(conn, statusOk(conn));
      continue;
    }
    const head = conn.head ? Buffer.concat([conn.head, data]) : data;
    const end = head.indexOf(HEADER_END);
    if (end === -1) {
      conn.head = head;
      return;
    }
    conn.bodyLeft = Number(CONTENT_LENGTH.exec(head.toString("latin1", 0, end + 2))?.[1] ?? 0);
    conn.head = head.subarray(0, 12);
    data = head.subarray(end + 4);
    if (conn.bodyLeft === 0) answered(conn, statusOk(conn));
  }
}

function finish() {
  clearInterval(timer);
  finished = true;
  for (const conn of conns) conn.socket.destroy();
  const quantiles = (values: Float64Array) => {
    const sorted = Float64Array.from(values).sort();
    const q = (p: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(2));
    return { p50: q(0.5), p99: q(0.99), max: q(1) };
  };
  const result: Record<string, unknown> = { sent, errors, ...quantiles(latencies), fromDue: quantiles(fromDue) };
  if (slowMs !== Infinity) {
    const slow: [number, number][] = [];
    for (let i = 0; i < total; i++) if (latencies[i]! > slowMs) slow.push([Math.round(performance.timeOrigin + sentAt[i]!), Number(latencies[i]!.toFixed(2))]);
    result.slow = slow;
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

let finished = false;
function open(conn: Conn): Promise<Conn> {
  return new Promise<Conn>((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port), noDelay: true }, () => {
      conn.open = true;
      resolve(conn);
    });
    conn.socket = socket;
    socket.on("data", (chunk: Buffer) => onData(conn, chunk));
    socket.on("error", (err) => (conn.open ? undefined : reject(err)));
    socket.once("close", () => {
      if (!conn.open || finished) return;
      // The server closed it (keep-alive timeout, or a failure): a request on it is an error; reopen.
      conn.open = false;
      if (conn.request !== -1) answered(conn, false);
      void open(conn).then(
        () => (backlogHead < backlogTail ? sendWaiting(conn) : idle.push(conn)),
        () => undefined,
      );
    });
  });
}

const conns: Conn[] = await Promise.all(
  Array.from({ length: SOCKETS }, () => open({ socket: undefined as unknown as Socket, open: false, request: -1, head: undefined, bodyLeft: -1 })),
);
idle.push(...conns);

// Every timer tick (about a millisecond), send what is due by now.
start = performance.now();
const timer = setInterval(() => {
  const now = performance.now();
  while (sent < total && due(sent) <= now) {
    const conn = takeIdle();
    if (conn) send(conn, sent, performance.now());
    else backlog[backlogTail++] = sent;
    sent++;
  }
}, 1);
