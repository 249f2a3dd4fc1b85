import { z } from "zod";

/** Nango-shaped auth webhook body (`type: "auth"`). */
export const AuthWebhookBodySchema = z.object({
  from: z.literal("ads-connect"),
  type: z.literal("auth"),
  operation: z.enum(["creation", "override", "refresh", "deletion"]),
  success: z.boolean(),
  connectionId: z.string(),
  authMode: z.literal("OAUTH2"),
  providerConfigKey: z.string(),
  provider: z.string(),
  environment: z.string(),
  endUser: z
    .object({
      endUserId: z.string(),
      organizationId: z.string().optional(),
      endUserEmail: z.string().nullable().optional(),
      tags: z.record(z.string(), z.string()),
    })
    .optional(),
  tags: z.record(z.string(), z.string()).optional(),
  error: z.object({ type: z.string(), description: z.string() }).optional(),
});
export type AuthWebhookBody = z.infer<typeof AuthWebhookBodySchema>;

export const WEBHOOK_SIGNATURE_HEADER = "X-Nango-Hmac-Sha256";
