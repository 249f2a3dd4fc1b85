import { z } from "zod";

/** `GET /health` and `GET /healthz`: the process is up and answering (says nothing about the database). */
export const HealthResponseSchema = z.object({ ok: z.literal(true) });
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

/** `GET /readyz`: database reachable and migrations current (200), or why not (503). */
export const ReadinessResponseSchema = z.object({
  ready: z.boolean(),
  database: z.enum(["reachable", "unreachable"]),
  migrations: z.enum(["current", "pending", "unknown"]),
});
export type ReadinessResponse = z.infer<typeof ReadinessResponseSchema>;
