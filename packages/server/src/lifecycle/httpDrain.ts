import type { Server, ServerResponse } from "node:http";

export interface HttpDrain {
  /**
   * Stops accepting connections, lets the requests in flight finish (their connections close after
   * the response, idle keep-alive ones at once) and resolves when the last connection is gone.
   */
  finish(): Promise<void>;
  /** Past the deadline: drops the connections still open. */
  abort(): void;
}

/** Tracks a server's requests so a shutdown can wait for the ones in flight. */
export function trackHttpRequests(server: Server): HttpDrain {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  server.on("request", (_req, res: ServerResponse) => {
    inFlight.add(res);
    // A request that arrives on a kept-alive connection during the drain is answered, then closed.
    if (draining) res.setHeader("connection", "close");
    res.once("close", () => {
      inFlight.delete(res);
      if (draining) server.closeIdleConnections();
    });
  });
  let finished: Promise<void> | undefined;
  return {
    finish() {
      finished ??= new Promise<void>((resolve) => {
        draining = true;
        for (const res of inFlight) if (!res.headersSent) res.setHeader("connection", "close");
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      return finished;
    },
    abort() {
      server.closeAllConnections();
    },
  };
}
