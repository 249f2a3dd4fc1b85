import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WEBHOOK_IDEMPOTENCY_HEADER } from "@ads-connect/shared";

/**
 * The product's webhook endpoint: records every delivery by its idempotency id (duplicates are
 * counted, not hidden). `down()` stops listening (connections refused) until `up()` listens again
 * on the same port.
 */
export async function startReceiver() {
  const deliveries = new Map<string, number>();
  let total = 0;
  let withoutId = 0;
  let server: Server | null = null;
  let port = 0;
  const listen = async () => {
    const s = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const id = req.headers[WEBHOOK_IDEMPOTENCY_HEADER.toLowerCase()];
        total++;
        if (typeof id === "string") deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
        else withoutId++;
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((resolve) => s.listen(port, "127.0.0.1", resolve));
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  await listen();
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    deliveries,
    get total() {
      return total;
    },
    get withoutId() {
      return withoutId;
    },
    get isUp() {
      return server !== null;
    },
    async down() {
      const s = server;
      if (!s) return;
      server = null;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
    up: () => (server ? Promise.resolve() : listen()),
    close() {
      return this.down();
    },
  };
}
