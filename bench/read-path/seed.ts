// Seeds the connections table (SQLite or PostgreSQL, whichever the server's environment names)
// with batched inserts through Kysely.
import { randomUUID } from "node:crypto";
import { loadConfig } from "../../packages/server/src/config.js";
import type { NewConnectionRow } from "../../packages/server/src/store/connectionStore.js";
import { createDatabase } from "../../packages/server/src/store/createDatabase.js";
import { encryptCredentials } from "../../packages/server/src/tokens/storedCredentials.js";
import { TokenCipher } from "../../packages/server/src/tokens/tokenCipher.js";

const HOT = 1000;

/** Seeds `count` connections in batches; the HOT ones (spread evenly) carry real ciphertext. Returns their ids. */
export async function seed(env: Record<string, string>, count: number): Promise<string[]> {
  const config = loadConfig({ ...env, PORT: "3003" });
  const db = await createDatabase({ url: config.databaseUrl, file: config.databaseFile, poolSize: 2 });
  const cipher = new TokenCipher(config.encryptionKeys);
  const now = Date.now();
  const every = Math.max(1, Math.floor(count / HOT));
  const hot: string[] = [];
  const started = performance.now();
  const BATCH = 1000;
  for (let from = 0; from < count; from += BATCH) {
    const rows: NewConnectionRow[] = [];
    for (let i = from; i < Math.min(count, from + BATCH); i++) {
      const id = randomUUID();
      const isHot = i % every === 0 && hot.length < HOT;
      if (isHot) hot.push(id);
      const credentials = {
        access_token: `at-${"x".repeat(1200)}-${i}`,
        refresh_token: `rt-${i}`,
        id_token: null,
        token_type: "Bearer",
        scope: "https://ads.microsoft.com/msads.manage offline_access",
        expires_at: now + 86_400_000,
      };
      rows.push({
        connection_id: id,
        provider_config_key: "microsoft-ads",
        end_user_id: `end-user-${i}`,
        end_user: JSON.stringify({ id: `end-user-${i}`, email: `user${i}@product.example`, display_name: `User ${i}`, organization: null }),
        tenant_id: "00000000-0000-0000-0000-0000000000aa",
        object_id: `object-${i}`,
        username: `user${i}@contoso.example`,
        display_name: `User ${i}`,
        account_type: "work",
        status: "connected",
        errors: "[]",
        credentials_enc: isHot ? await encryptCredentials(cipher, id, credentials) : "{}",
        access_token_expires_at: credentials.expires_at,
        scope: credentials.scope,
        connection_config: JSON.stringify({ tenant: "common", scope: credentials.scope, authorization_params: {} }),
        metadata: null,
        tags: "{}",
        created_at: now,
        updated_at: now,
        last_fetched_at: null,
        last_refreshed_at: now,
      });
    }
    await db.insertInto("connections").values(rows).execute();
  }
  await db.destroy();
  console.log(`  seeded ${count.toLocaleString("en")} connections in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return hot;
}
