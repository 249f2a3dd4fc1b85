import { z } from "zod";

/** Microsoft Advertising's side of a failed proxied call (the error body's `msads`). */
export const MsAdsErrorDetailsSchema = z.object({
  /** Microsoft's HTTP status (the proxy answers 502 for its 5xx and for a fault in a 2xx). */
  http_status: z.number().int().nullable(),
  /** "AdApiFaultDetail", "ApiFault", or null when the body is no fault. */
  fault_type: z.string().nullable(),
  /** Microsoft's numeric codes, e.g. [109], [117]. */
  codes: z.array(z.number()),
  errors: z.array(z.object({ code: z.number(), error_code: z.string().nullable(), message: z.string().nullable(), detail: z.string().nullable() })),
  /** Quote it to Microsoft support. */
  tracking_id: z.string().nullable(),
});
export type MsAdsErrorDetails = z.infer<typeof MsAdsErrorDetailsSchema>;

/**
 * A proxy error body: the usual `{error:{code,message}}` plus, when Microsoft answered,
 * `msads` and Microsoft's `raw_body` (text, at most 64 KB).
 */
export const ProxyErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    msads: MsAdsErrorDetailsSchema.optional(),
    raw_body: z.string().optional(),
  }),
});
export type ProxyErrorBody = z.infer<typeof ProxyErrorBodySchema>;
