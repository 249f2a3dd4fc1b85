import { componentSchemas, type JsonSchema, ref, toJsonSchema } from "./components.js";
import type { Operation } from "./operationShapes.js";
import { OPERATIONS } from "./operations.js";

export type OpenApiDocument = Record<string, unknown> & {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown> };
};

const SECURITY = {
  secretKey: [{ secretKey: [] }],
  connectSession: [{ connectSessionToken: [] }],
  consoleSession: [{ consoleSession: [] }],
  none: [],
} as const;

/**
 * The OpenAPI 3.1 document of the HTTP API, built from the shared zod schemas and the route list
 * (operations.ts). Deterministic: `pnpm docs:openapi` writes it to docs/reference/openapi.json and a
 * test fails when that file differs. `publicUrl` (the served copy) names the server to call.
 */
export function buildOpenApiDocument(publicUrl?: string): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    paths[op.path] ??= {};
    paths[op.path]![op.method] = operation(op);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "ads-connect API",
      version: "1",
      description:
        "Connect Microsoft Advertising accounts in your product. Your backend creates a connect session and reads tokens with the secret key " +
        "(`Authorization: Bearer <ADS_CONNECT_SECRET_KEY>`); the widget polls with the session token. Where an endpoint is Nango's, it keeps Nango's shape. " +
        "Every error is `{ error: { code, message } }`; the codes are in the error catalogue. With a path in PUBLIC_URL, every path also answers under it.",
    },
    servers: [{ url: publicUrl ?? "http://localhost:3003", description: publicUrl ? "This server" : "A local server (PUBLIC_URL)" }],
    security: [...SECURITY.secretKey],
    tags: [...new Set(OPERATIONS.map((op) => op.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        secretKey: {
          type: "http",
          scheme: "bearer",
          description: "The product backend's secret key (ADS_CONNECT_SECRET_KEY or one of ADS_CONNECT_SECRET_KEYS). Never send it to a browser.",
        },
        consoleSession: {
          type: "apiKey",
          in: "cookie",
          name: "adsc_console",
          description: "The operator console's session cookie, set by POST /console/api/session with the operator key (CONSOLE_OPERATOR_KEY).",
        },
        connectSessionToken: {
          type: "http",
          scheme: "bearer",
          description: "A connect session's token (`data.token` of POST /connect/sessions), for the widget.",
        },
      },
      schemas: componentSchemas(),
    },
  };
}

function operation(op: Operation): Record<string, unknown> {
  const parameters = [
    ...Object.entries(op.pathParams ?? {}).map(([name, description]) => ({ name, in: "path", required: true, description, schema: { type: "string" } })),
    ...(op.query ? queryParameters(op.query) : []),
    ...(op.headers ?? []).map((h) => ({ name: h.name, in: "header", required: h.required, description: h.description, schema: { type: "string" } })),
  ];
  const responses: Record<string, unknown> = {};
  for (const [status, { description, body }] of Object.entries(op.responses)) responses[status] = response(description, body);
  // Every API error has one shape; the statuses each route can answer with are in the error catalogue.
  if (op.auth !== "none" || op.path === "/readyz") {
    if (op.auth !== "none")
      responses["401"] ??= response(
        op.auth === "secretKey"
          ? "Missing or wrong secret key"
          : op.auth === "consoleSession"
            ? "Not signed in to the console"
            : "Missing or unknown session token",
        "Error",
      );
    responses["429"] ??= response("Rate limited (Retry-After)", "Error");
    responses.default ??= response("An error: `{ error: { code, message } }`", "Error");
  }
  if (op.query || op.body) responses["400"] ??= response("Invalid request: `error.errors` names each bad field", "Error");
  return {
    operationId: op.operationId,
    summary: op.summary,
    tags: [op.tag],
    security: [...SECURITY[op.auth]],
    ...(parameters.length ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: ref(op.body) } } } } : {}),
    responses: sortStatuses(responses),
  };
}

function response(description: string, body: Operation["responses"][string]["body"]): Record<string, unknown> {
  if (body === "empty") return { description };
  if (body === "html") return { description, content: { "text/html": { schema: { type: "string" } } } };
  return { description, content: { "application/json": { schema: body === "any" ? {} : ref(body) } } };
}

function queryParameters(schema: Operation["query"] & {}): Record<string, unknown>[] {
  const json = toJsonSchema(schema, "input") as { properties?: Record<string, JsonSchema & { description?: string }>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, { description, ...property }]) => ({
    name,
    in: "query",
    required: json.required?.includes(name) ?? false,
    ...(description ? { description } : {}),
    schema: property,
  }));
}

function sortStatuses(responses: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => (a === "default" ? 1 : b === "default" ? -1 : a.localeCompare(b))));
}
