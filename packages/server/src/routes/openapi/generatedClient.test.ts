import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectAs, type Harness, startHarness } from "../../testing/harness.js";

// Inside the server package (so `openapi-fetch` resolves from its node_modules), in a git-ignored `.tmp/`.
const TMP_ROOT = fileURLToPath(new URL("../../../.tmp/", import.meta.url));

/** What a stranger writes with the generated types and openapi-fetch, nothing of ours. */
const CLIENT = `import createClient from "openapi-fetch";
import type { paths } from "./schema.js";

const client = (baseUrl: string, secretKey: string) => createClient<paths>({ baseUrl, headers: { Authorization: \`Bearer \${secretKey}\` } });

export async function createSession(baseUrl: string, secretKey: string, endUserId: string): Promise<string> {
  const { data, error } = await client(baseUrl, secretKey).POST("/connect/sessions", { body: { end_user: { id: endUserId } } });
  if (!data) throw new Error(\`create session: \${error.error.code}\`);
  return data.data.token;
}

export async function readToken(baseUrl: string, secretKey: string, endUserId: string): Promise<{ connectionId: string; accessToken: string }> {
  const api = client(baseUrl, secretKey);
  const list = await api.GET("/connections", { params: { query: { endUserId } } });
  if (!list.data) throw new Error(\`list: \${list.error.error.code}\`);
  const connectionId = list.data.connections[0]!.connection_id;
  const read = await api.GET("/connections/{connectionId}", { params: { path: { connectionId }, query: { provider_config_key: "microsoft-ads" } } });
  if (!read.data) throw new Error(\`read: \${read.error.error.code}\`);
  return { connectionId, accessToken: read.data.credentials.access_token };
}
`;

let h: Harness;
let dir: string;
beforeAll(async () => {
  h = await startHarness();
  mkdirSync(TMP_ROOT, { recursive: true });
  dir = mkdtempSync(path.join(TMP_ROOT, "openapi-client-"));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await h.close();
});

describe("a client generated from /openapi.json (openapi-typescript + openapi-fetch)", () => {
  it("type-checks, creates a connect session, lists connections and reads a token", async () => {
    const doc = (await (await fetch(`${h.server.url}/openapi.json`)).json()) as Parameters<typeof openapiTS>[0];
    writeFileSync(path.join(dir, "schema.ts"), astToString(await openapiTS(doc)));
    writeFileSync(path.join(dir, "client.ts"), CLIENT);
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module" }));

    const program = ts.createProgram([path.join(dir, "client.ts")], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(diagnostics).toEqual([]);

    const client = (await import(path.join(dir, "client.ts"))) as {
      createSession: (u: string, k: string, e: string) => Promise<string>;
      readToken: (u: string, k: string, e: string) => Promise<{ connectionId: string; accessToken: string }>;
    };
    const token = await client.createSession(h.server.url, h.secretKey, "generated-client-user");
    expect(token).toMatch(/^adsc_cs_/);
    const { result } = await connectAs(h, "adele@contoso.example", { token });
    expect(result.type).toBe("ads-connect:success");
    const read = await client.readToken(h.server.url, h.secretKey, "generated-client-user");
    expect(read.connectionId).toBe(result.type === "ads-connect:success" ? result.connection_id : "");
    expect(h.emulator.isAccessTokenValid(read.accessToken)).toBe(true);
  });
});
