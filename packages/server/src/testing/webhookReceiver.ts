import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  rawBody: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * A real HTTP endpoint that records every webhook it accepts. `respondWith(503)` plays a receiver
 * that is down (requests are counted in `refused`, not recorded); `respondWith(200)` brings it back.
 * `answerNextAfter(ms)` and `holdNext()` play a slow receiver for the next request; `open` counts
 * requests not yet answered.
 */
export async function startWebhookReceiver(options: { port?: number } = {}) {
  const received: ReceivedWebhook[] = [];
  const waiters: (() => void)[] = [];
  let status = 200;
  let refused = 0;
  let open = 0;
  /** What the next requests wait for before their answer: a time, or a release (with a signal that they arrived). */
  const delays: ({ ms: number } | { until: Promise<void>; arrived: () => void })[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    const delay = delays.shift() ?? { ms: 0 };
    open++;
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const answer = () => {
        open--;
        if (status >= 300) {
          refused++;
          res.writeHead(status).end("down");
          return;
        }
        received.push({ rawBody: Buffer.concat(chunks).toString("utf8"), headers: req.headers });
        res.writeHead(status).end("ok");
        for (const wake of waiters.splice(0)) wake();
      };
      if ("until" in delay) {
        delay.arrived();
        void delay.until.then(answer);
      } else if (delay.ms > 0) setTimeout(answer, delay.ms);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    get refused() {
      return refused;
    },
    respondWith(code: number) {
      status = code;
    },
    /** The next request is answered (and recorded) only after `ms`. */
    answerNextAfter(ms: number) {
      delays.push({ ms });
    },
    /** The next request waits for `release()` (`arrived` resolves once it is here); its answer is the status set then. */
    holdNext() {
      let release!: () => void;
      let arrive!: () => void;
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      delays.push({ until: new Promise<void>((resolve) => (release = resolve)), arrived: () => arrive() });
      return { arrived, release: () => release() };
    },
    /** Requests received but not answered yet. */
    get open() {
      return open;
    },
    /** Resolves once `count` webhooks have arrived (or rejects after `timeoutMs`). */
    async waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedWebhook[]> {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`Expected ${count} webhooks, got ${received.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
