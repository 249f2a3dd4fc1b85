import { z } from "zod";

/** `POST /action/trigger` body (Nango's; `Connection-Id` and `Provider-Config-Key` are headers). */
export const TriggerActionBodySchema = z.object({
  action_name: z.string().min(1).max(100),
  /** The action's input; missing means `{}`. */
  input: z.unknown().optional(),
});
export type TriggerActionBody = z.infer<typeof TriggerActionBodySchema>;

/** An action `GET /actions` lists. */
export const ActionInfoSchema = z.object({
  name: z.string(),
  description: z.string().nullable(),
  /** "prebuilt" ships with ads-connect; "custom" came from ACTIONS_DIR. */
  source: z.enum(["prebuilt", "custom"]),
  /** The ACTIONS_DIR file (relative) of a custom action. */
  file: z.string().nullable(),
  /** JSON Schema of the input and the output (null when the zod schema has no JSON Schema form). */
  input_schema: z.record(z.string(), z.unknown()).nullable(),
  output_schema: z.record(z.string(), z.unknown()).nullable(),
});
export type ActionInfo = z.infer<typeof ActionInfoSchema>;

/** An ACTIONS_DIR module that could not be loaded, and why (the server runs without it). */
export const ActionLoadFailureSchema = z.object({ file: z.string(), reason: z.string() });
export type ActionLoadFailure = z.infer<typeof ActionLoadFailureSchema>;

/** `GET /actions`. */
export const ActionsListResponseSchema = z.object({ actions: z.array(ActionInfoSchema), failed: z.array(ActionLoadFailureSchema) });
export type ActionsListResponse = z.infer<typeof ActionsListResponseSchema>;
