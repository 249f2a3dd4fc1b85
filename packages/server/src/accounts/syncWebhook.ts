import { ACCOUNTS_SYNC_NAME, AD_ACCOUNT_MODEL, PROVIDER_CONFIG_KEY, type SyncWebhookBody } from "@ads-connect/shared";

/** Nango-shaped `sync` webhook body (the outbox adds the idempotency key). */
export function syncWebhook(input: {
  connectionId: string;
  syncType: SyncWebhookBody["syncType"];
  modifiedAfter: number;
  results: SyncWebhookBody["responseResults"];
  removedSelectedAccountIds: string[];
}): Omit<SyncWebhookBody, "idempotencyKey"> {
  const modifiedAfter = new Date(input.modifiedAfter).toISOString();
  return {
    from: "ads-connect",
    type: "sync",
    connectionId: input.connectionId,
    providerConfigKey: PROVIDER_CONFIG_KEY,
    syncName: ACCOUNTS_SYNC_NAME,
    model: AD_ACCOUNT_MODEL,
    modelName: AD_ACCOUNT_MODEL,
    syncType: input.syncType,
    success: true,
    modifiedAfter,
    queryTimeStamp: modifiedAfter,
    responseResults: input.results,
    removedSelectedAccountIds: input.removedSelectedAccountIds,
  };
}
