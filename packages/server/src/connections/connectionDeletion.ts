import type { ConnectionRow } from "../store/connectionStore.js";
import type { TransactionStores } from "../store/stores.js";
import { parseJson } from "../util/parseJson.js";
import { authWebhook, cancelledAuthWebhookBody, type StoredEndUser } from "../webhooks/authWebhook.js";
import type { WebhookOutbox } from "../webhooks/webhookOutbox.js";
import { DELETED_CONNECTION_RESULT } from "./deletedConnectionResult.js";

/**
 * Deletes the connection inside the caller's transaction, with everything kept about its user, and
 * queues the deletion webhook in it: its ad accounts, its refresh lease and the hold of its own calls
 * (sync records and schedules go by the foreign keys' cascade); the connect sessions, attempts and
 * redirect results that made or reopened it keep a result without its user; a creation webhook its
 * open account picker held is given up (its body replaced by a stub without
 * personal data). The operation log, the webhook outbox and the integration
 * events keep their rows (the audit trail, pruned by age). False when the row was gone already.
 */
export async function deleteConnectionRows(tx: TransactionStores, outbox: WebhookOutbox, row: ConnectionRow, now: number): Promise<boolean> {
  const id = row.connection_id;
  // The connection row first: the same lock order as an account sync (its row, then its accounts).
  if (!(await tx.connections.delete(id))) return false;
  await tx.adAccounts.deleteForConnection(id);
  await tx.leases.deleteForConnection(id);
  await tx.holds.deleteUserHold(id);
  // Held for the accounts' choice, it would go out after the deletion webhook. Never sent, it keeps
  // a stub without the user's data (the rest of the row stays for the delivery lists).
  for (const webhookId of await tx.sessions.heldPickerWebhooks(id)) {
    const held = await tx.webhooks.body(webhookId);
    if (held === undefined) continue;
    await tx.webhooks.cancel(webhookId, now, "the connection was deleted before its accounts were chosen", cancelledAuthWebhookBody(held));
  }
  // Attempts first: they find theirs through the sessions' picker columns, which the sessions' scrub clears.
  const marker = JSON.stringify(DELETED_CONNECTION_RESULT);
  await tx.attempts.scrubConnection(id, marker);
  await tx.sessions.scrubConnection(id, marker, now);
  await tx.redirects.scrubConnection(id, marker);
  const endUser = parseJson<StoredEndUser>(row.end_user);
  await outbox.enqueue(authWebhook({ operation: "deletion", success: true, connectionId: id, endUser, tags: parseJson(row.tags) }), tx.webhooks);
  return true;
}
