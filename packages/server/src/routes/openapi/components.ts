import {
  ActionsListResponseSchema,
  ApiErrorBodySchema,
  ConnectionSchema,
  ConnectionSummarySchema,
  ConnectResultSchema,
  ConnectSessionResponseSchema,
  CreateChangeAccountsSessionBodySchema,
  CreateConnectSessionBodySchema,
  CreateReconnectSessionBodySchema,
  HealthResponseSchema,
  IntegrationStatusResponseSchema,
  ListConnectionsResponseSchema,
  ListOperationsResponseSchema,
  OperationResponseSchema,
  PatchConnectionBodySchema,
  ReadinessResponseSchema,
  RecordsResponseSchema,
  SessionStatusResponseSchema,
  SuccessResponseSchema,
  SyncControlBodySchema,
  SyncNowResponseSchema,
  SyncStatusResponseSchema,
  TriggerActionBodySchema,
  TriggerSyncBodySchema,
  UpdateSyncFrequencyBodySchema,
  UpdateSyncFrequencyResponseSchema,
  WebhookDeliveriesResponseSchema,
} from "@ads-connect/shared";
import { z } from "zod";
import { ConsoleDeleteBodySchema, ConsoleSignInBodySchema } from "../../console/consoleSchemas.js";

export type JsonSchema = Record<string, unknown>;

/** Request bodies, as the server accepts them (zod's input side: before defaults and transforms). */
const REQUEST_BODIES = {
  CreateConnectSessionBody: CreateConnectSessionBodySchema,
  CreateReconnectSessionBody: CreateReconnectSessionBodySchema,
  CreateChangeAccountsSessionBody: CreateChangeAccountsSessionBodySchema,
  PatchConnectionBody: PatchConnectionBodySchema,
  TriggerSyncBody: TriggerSyncBodySchema,
  SyncControlBody: SyncControlBodySchema,
  UpdateSyncFrequencyBody: UpdateSyncFrequencyBodySchema,
  TriggerActionBody: TriggerActionBodySchema,
  ConsoleSignInBody: ConsoleSignInBodySchema,
  ConsoleDeleteBody: ConsoleDeleteBodySchema,
} satisfies Record<string, z.ZodType>;

/** Response bodies, as the server sends them (zod's output side). */
const RESPONSE_BODIES = {
  Error: ApiErrorBodySchema,
  ConnectSessionResponse: ConnectSessionResponseSchema,
  SessionStatusResponse: SessionStatusResponseSchema,
  RedirectResultResponse: z.object({ data: ConnectResultSchema }),
  ConnectionSummary: ConnectionSummarySchema,
  ListConnectionsResponse: ListConnectionsResponseSchema,
  Connection: ConnectionSchema,
  SuccessResponse: SuccessResponseSchema,
  RecordsResponse: RecordsResponseSchema,
  SyncNowResponse: SyncNowResponseSchema,
  SyncStatusResponse: SyncStatusResponseSchema,
  UpdateSyncFrequencyResponse: UpdateSyncFrequencyResponseSchema,
  WebhookDeliveriesResponse: WebhookDeliveriesResponseSchema,
  ActionsListResponse: ActionsListResponseSchema,
  ListOperationsResponse: ListOperationsResponseSchema,
  OperationResponse: OperationResponseSchema,
  IntegrationStatusResponse: IntegrationStatusResponseSchema,
  HealthResponse: HealthResponseSchema,
  ReadinessResponse: ReadinessResponseSchema,
} satisfies Record<string, z.ZodType>;

export type RequestBodyName = keyof typeof REQUEST_BODIES;
export type ResponseBodyName = keyof typeof RESPONSE_BODIES;

const REF_PREFIX = "#/components/schemas/";

export function ref(name: RequestBodyName | ResponseBodyName): JsonSchema {
  return { $ref: `${REF_PREFIX}${name}` };
}

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), without the per-document keywords. */
export function toJsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  return strip(z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema);
}

function strip(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

function fromRegistry(bodies: Record<string, z.ZodType>, io: "input" | "output"): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(bodies)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: "draft-2020-12", io, unrepresentable: "any", uri: (id) => `${REF_PREFIX}${id}` });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, strip(schema as JsonSchema)]));
}

/** `components.schemas`: every named body, a schema nested in another one referenced by name. */
export function componentSchemas(): Record<string, JsonSchema> {
  return { ...fromRegistry(REQUEST_BODIES, "input"), ...fromRegistry(RESPONSE_BODIES, "output") };
}
