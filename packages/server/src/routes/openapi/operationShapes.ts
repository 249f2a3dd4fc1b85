import { PROVIDER_CONFIG_KEY } from "@ads-connect/shared";
import type { z } from "zod";
import type { RequestBodyName, ResponseBodyName } from "./components.js";

/** Who may call: the product backend's secret key, the widget's connect session token, or anyone. */
export type Auth = "secretKey" | "connectSession" | "consoleSession" | "none";

export interface HeaderParam {
  name: string;
  required: boolean;
  description: string;
}

export interface Operation {
  method: "get" | "post" | "patch" | "delete" | "put" | "options";
  /** OpenAPI's form (`{connectionId}`), without PUBLIC_URL's path prefix. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  auth: Auth;
  query?: z.ZodType;
  headers?: HeaderParam[];
  /** A path parameter's description, by name. */
  pathParams?: Record<string, string>;
  body?: RequestBodyName;
  /** Statuses with their JSON body (a component name), `html`, `any` (any JSON) or `empty`. */
  responses: Record<string, { description: string; body: ResponseBodyName | "html" | "any" | "empty" }>;
}

export const CONNECTION_HEADERS: HeaderParam[] = [
  { name: "Connection-Id", required: true, description: "The connection's id." },
  { name: "Provider-Config-Key", required: false, description: `The integration id; "${PROVIDER_CONFIG_KEY}" when given.` },
];
export const CONSOLE_REQUEST_HEADER: HeaderParam = {
  name: "X-Console-Request",
  required: true,
  description: "`1`: the console's own page made the change (CSRF).",
};
export const CONNECTION_ID = { connectionId: "The connection's id (`connection_id`)." };
export const ok = (body: ResponseBodyName | "any", description = "OK") => ({ "200": { description, body } });
export const page = (description: string) => ({ description, body: "html" as const });
