import { Writable } from "node:stream";
import { type Stack, startMessage } from "@ads-connect/demo";
import { httpRequest } from "@ads-connect/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoStack } from "./demoStack.js";

/**
 * `pnpm start` turns the operator console on with a key of its own and prints both: the printed
 * URL serves the console and the printed key signs in (over HTTP; console.test.ts has the browser).
 */
let stack: Stack;
const serverLogs: string[] = [];

beforeAll(async () => {
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      serverLogs.push(chunk.toString("utf8"));
      done();
    },
  });
  stack = await startDemoStack({ logDestination, logLevel: "debug" });
});
afterAll(() => stack?.close());

describe("the demo's operator console", () => {
  it("serves /console at the printed URL and signs in with the printed key, which the server never logs", async () => {
    const message = startMessage(stack);
    const url = /^\s*operator console\s+(\S+)$/m.exec(message)?.[1];
    const key = /^\s*operator key\s+(\S+)$/m.exec(message)?.[1];
    expect(url).toBe(`${stack.server.url}/console`);
    expect(key).toBe(stack.operatorConsole.generatedKey);
    expect(key!.length).toBeGreaterThanOrEqual(32);

    // On (not the "console is off" page); 503 when the console app is not built in this checkout.
    const page = await httpRequest(url!);
    expect([200, 503]).toContain(page.status);
    expect(page.text).not.toContain("The operator console is off");

    const signIn = (k: string) =>
      httpRequest(`${url}/api/session`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-console-request": "1" },
        body: JSON.stringify({ key: k }),
      });
    expect((await signIn(stack.server.config.secretKey)).status).toBe(401);
    const signedIn = await signIn(key!);
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.setCookies.find((c) => c.startsWith("adsc_console="))!.split(";")[0]!;
    const session = await httpRequest(`${url}/api/session`, { headers: { cookie } });
    expect({ status: session.status, body: JSON.parse(session.text) }).toEqual({ status: 200, body: { signed_in: true } });

    expect(serverLogs.length).toBeGreaterThan(0);
    expect(serverLogs.join("")).not.toContain(key!);
  });
});
