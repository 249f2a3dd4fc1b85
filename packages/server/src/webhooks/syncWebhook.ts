import { PROVIDER_CONFIG_KEY, type SyncWebhookBody } from "@ads-connect/shared";

/** Nango-shaped `sync` webhook body for one model of one run (the outbox adds the idempotency key). */
export function syncWebhook(input: {
  connectionId: string;
  syncName: SyncWebhookBody["syncName"];
  model: SyncWebhookBody["model"];
  syncType: SyncWebhookBody["syncType"];
  modifiedAfter: number;
  results: SyncWebhookBody["responseResults"];
  /** The accounts sync: selected accounts Microsoft no longer lists. */
  removedSelectedAccountIds?: string[];
}): Omit<SyncWebhookBody, "idempotencyKey"> {
  const modifiedAfter = new Date(input.modifiedAfter).toISOString();
  return {
    from: "ads-connect",
    type: "sync",
    connectionId: input.connectionId,
    providerConfigKey: PROVIDER_CONFIG_KEY,
    syncName: input.syncName,
    model: input.model,
    modelName: input.model,
    syncType: input.syncType,
    success: true,
    modifiedAfter,
    queryTimeStamp: modifiedAfter,
    responseResults: input.results,
    removedSelectedAccountIds: input.removedSelectedAccountIds ?? [],
  };
}
