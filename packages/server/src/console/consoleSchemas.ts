import { z } from "zod";
import { RANGES } from "./overview.js";

/** The console API's requests (routes/consoleRoutes.ts parses with them; the OpenAPI document names them). */
export const ConsoleSignInBodySchema = z.object({ key: z.string().min(1).max(1000).describe("The operator key (CONSOLE_OPERATOR_KEY).") });
export const ConsoleDeleteBodySchema = z.object({ confirm: z.string().max(255).describe("The connection id, typed again to confirm.") });
export const ConsoleConnectionsQuerySchema = z.object({
  q: z.string().max(255).optional().describe("An end user id or email, an account number or id, or a connection id (exact; email and number ignore case)."),
  status: z.enum(["connected", "refreshing", "expired", "error"]).optional(),
  error_code: z.string().max(100).optional(),
  integration: z.string().max(100).optional(),
  sort: z.enum(["created_at", "updated_at", "end_user_id", "status"]).default("created_at"),
  order: z.enum(["asc", "desc"]).default("desc"),
  page: z.coerce.number().int().min(0).max(100_000).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const ConsoleOverviewQuerySchema = z.object({ range: z.enum(Object.keys(RANGES) as [keyof typeof RANGES]).default("24h") });
export const ConsoleDeliveriesQuerySchema = z.object({
  status: z.enum(["pending", "failed", "delivered"]).optional(),
  page: z.coerce.number().int().min(0).max(100_000).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const ConsoleCursorQuerySchema = z.object({ cursor: z.string().max(500).optional() });
