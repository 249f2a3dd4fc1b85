import { Writable } from "node:stream";
import type { Kysely } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import { AlertStore } from "../store/alertStore.js";
import { createDatabase } from "../store/createDatabase.js";
import type { Database } from "../store/schema.js";
import { startWebhookReceiver } from "../testing/webhookReceiver.js";
import { type Alerter, createSlackAlerter } from "./slackAlerter.js";

const HOUR_SECONDS = 3600;
let db: Kysely<Database>;
let slack: Awaited<ReturnType<typeof startWebhookReceiver>>;
let alerter: Alerter;

beforeEach(async () => {
  db = await createDatabase(":memory:");
  slack = await startWebhookReceiver();
  const logger = createLogger("debug", new Writable({ write: (_chunk, _enc, done) => done() }));
  alerter = createSlackAlerter({ store: new AlertStore(db), url: slack.url, dedupSeconds: HOUR_SECONDS, logger });
});
afterEach(async () => {
  await slack.close();
  await db.destroy();
});

const texts = () => slack.received.map((r) => (JSON.parse(r.rawBody) as { text: string }).text);
/** The stored sends as if `ms` had passed. */
const age = (ms: number) =>
  db
    .updateTable("alerts_sent")
    .set((eb) => ({ sent_at: eb("sent_at", "-", ms) }))
    .execute();
const alert = { key: "dead_grant:c-1", text: ":warning: connection c-1 has expired" };

describe("Slack alerts", () => {
  it("an alert Slack refused is sent again on its next occurrence", async () => {
    slack.respondWith(503);
    await alerter.alert(alert);
    expect(slack.refused).toBe(1);
    expect(slack.received).toHaveLength(0);

    slack.respondWith(200);
    await alerter.alert(alert);
    expect(texts()).toEqual([alert.text]);
  });

  it("an alert that could not reach Slack at all is sent again on its next occurrence", async () => {
    const down = await startWebhookReceiver();
    const url = down.url;
    await down.close();
    const logger = createLogger("debug", new Writable({ write: (_chunk, _enc, done) => done() }));
    const unreachable = createSlackAlerter({ store: new AlertStore(db), url, dedupSeconds: HOUR_SECONDS, logger });
    await unreachable.alert(alert);

    await alerter.alert(alert);
    expect(texts()).toEqual([alert.text]);
  });

  it("a delivered alert is suppressed for the rest of the window, then sent again", async () => {
    await alerter.alert(alert);
    // The window is judged by the database's clock: time passes as the stored send getting older.
    await age((HOUR_SECONDS - 60) * 1000);
    await alerter.alert(alert);
    expect(texts()).toEqual([alert.text]);
    await age(120_000);
    await alerter.alert(alert);
    expect(texts()).toEqual([alert.text, alert.text]);
  });

  it("two occurrences at the same moment send once", async () => {
    await Promise.all([alerter.alert(alert), alerter.alert(alert), alerter.alert(alert)]);
    expect(texts()).toEqual([alert.text]);
  });
});
