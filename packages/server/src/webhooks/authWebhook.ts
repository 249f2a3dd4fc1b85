import { type AccountSelectionOutcome, type AdAccount, type AuthWebhookBody, type EndUserInput, PROVIDER_CONFIG_KEY } from "@ads-connect/shared";
import type { ConnectSessionRow } from "../store/connectSessionStore.js";
import { parseJson } from "../util/parseJson.js";

export interface Organization {
  id: string;
  display_name?: string | undefined;
}

export interface StoredEndUser extends EndUserInput {
  organization?: Organization | null;
}

/** Nango-shaped auth webhook body (the outbox adds the idempotency key). */
export function authWebhook(input: {
  operation: AuthWebhookBody["operation"];
  success: boolean;
  connectionId: string;
  endUser: StoredEndUser;
  session?: ConnectSessionRow;
  tags?: Record<string, string>;
  error?: { type: string; description: string };
  /** A connect's account selection (creation/override successes). */
  selection?: { accounts: AdAccount[]; outcome: AccountSelectionOutcome };
}): Omit<AuthWebhookBody, "idempotencyKey"> {
  const organization = input.session?.organization ? parseJson<Organization>(input.session.organization) : input.endUser.organization;
  const tags = input.tags ?? (input.session?.tags ? parseJson<Record<string, string>>(input.session.tags) : {});
  return {
    from: "ads-connect",
    type: "auth",
    operation: input.operation,
    success: input.success,
    connectionId: input.connectionId,
    authMode: "OAUTH2",
    providerConfigKey: PROVIDER_CONFIG_KEY,
    provider: PROVIDER_CONFIG_KEY,
    environment: "prod",
    endUser: {
      endUserId: input.endUser.id,
      ...(organization ? { organizationId: organization.id } : {}),
      endUserEmail: input.endUser.email ?? null,
      tags: input.endUser.tags ?? {},
    },
    tags,
    ...(input.error ? { error: input.error } : {}),
    ...(input.selection ? { selectedAccounts: input.selection.accounts, accountSelection: input.selection.outcome } : {}),
  };
}

/**
 * What is kept of a held auth webhook given up unsent (its connection deleted first): what the
 * delivery lists show (type, operation, success, connection) and the idempotency key, without the end
 * user, Microsoft user, accounts or tags, which stay nowhere else once the connection is gone.
 */
export function cancelledAuthWebhookBody(body: string): string {
  const held = parseJson<Partial<AuthWebhookBody>>(body);
  return JSON.stringify({
    type: held.type ?? "auth",
    operation: held.operation ?? "creation",
    success: held.success ?? true,
    connectionId: held.connectionId ?? null,
    idempotencyKey: held.idempotencyKey ?? null,
    cancelled: true,
  });
}
