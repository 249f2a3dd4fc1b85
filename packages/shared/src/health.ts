import { z } from "zod";

/**
 * `GET /health` and `GET /healthz`: the process is up and answering (says nothing about the database).
 *
 * @example
 * ```ts
 * import { HealthResponseSchema } from "@ads-connect/node";
 *
 * const health = HealthResponseSchema.parse(await (await fetch(`${serverUrl}/healthz`)).json()); // { ok: true }
 * ```
 */
export const HealthResponseSchema = z.object({ ok: z.literal(true) });

/**
 * A parsed {@link HealthResponseSchema}: `{ ok: true }`.
 *
 * @example
 * ```ts
 * import type { HealthResponse } from "@ads-connect/node";
 *
 * const health: HealthResponse = await (await fetch(`${serverUrl}/health`)).json();
 * ```
 */
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

/**
 * `GET /readyz`: database reachable and migrations current (200), or why not (503).
 *
 * @example
 * ```ts
 * import { ReadinessResponseSchema } from "@ads-connect/node";
 *
 * const readiness = ReadinessResponseSchema.parse(await (await fetch(`${serverUrl}/readyz`)).json());
 * if (!readiness.ready) console.log(readiness.database, readiness.migrations);
 * ```
 */
export const ReadinessResponseSchema = z.object({
  ready: z.boolean(),
  database: z.enum(["reachable", "unreachable"]),
  migrations: z.enum(["current", "pending", "unknown"]),
});

/**
 * A parsed {@link ReadinessResponseSchema}: whether the server is ready, and if not, why.
 *
 * @example
 * ```ts
 * import type { ReadinessResponse } from "@ads-connect/node";
 *
 * const whyNotReady = (r: ReadinessResponse) => (r.database === "unreachable" ? "database unreachable" : r.migrations !== "current" ? `migrations ${r.migrations}` : null);
 * ```
 */
export type ReadinessResponse = z.infer<typeof ReadinessResponseSchema>;
