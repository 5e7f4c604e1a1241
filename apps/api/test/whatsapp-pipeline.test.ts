import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "../src/domain/ledger-verify.ts";
import { api, startTestPlatform, type TestPlatform } from "./harness.ts";
import { historyOf, messagesOf, waitForStatuses } from "./message-helpers.ts";
import { clientCredit } from "./sms-helpers.ts";
import { createWhatsAppClient, type WhatsAppClient, whatsappBody } from "./whatsapp-helpers.ts";

let platform: TestPlatform;
let client: WhatsAppClient;

beforeAll(async () => {
  platform = await startTestPlatform();
  client = await createWhatsAppClient(platform.db, platform.config, { credit: 10_000 });
});
afterAll(async () => {
  await platform.close();
});

describe("a WhatsApp broadcast end to end", () => {
  it("follows every status path, retries throttling, settles or releases shares", async () => {
    const expected = {
      "+60123450001": "delivered",
      "+60123458881": "read",
      "+60123458882": "read",
      "+60123458883": "failed",
      "+60123458884": "failed",
      "+60123458885": "delivered",
      "+60123458886": "failed",
      "+60123458888": "delivered",
      "+60123458889": "delivered",
    };

    const response = await api(platform.url, "POST", "/whatsapp", {
      key: client.key,
      body: whatsappBody({ recipients: Object.keys(expected) }),
    });

    expect(response.status).toBe(202);
    expect(response.body.data).toMatchObject({ queued: 9, reserved: 180, duplicates: 0 });
    const broadcastId = response.body.data.broadcastUuid;
    const rows = await waitForStatuses(platform.db, broadcastId, expected);
    const byRecipient = new Map(rows.map((row) => [row.recipient, row]));

    // Refused by Meta when sent: failed with Meta's code, and the share released.
    expect(byRecipient.get("+60123458883")).toMatchObject({
      error_code: "131026",
      error_message: "Message undeliverable",
      billing_state: "released",
      provider_message_id: null,
    });
    expect(byRecipient.get("+60123458884")).toMatchObject({
      error_code: "131047",
      billing_state: "released",
    });
    // Accepted, then reported failed: Meta took it, so the share stays settled.
    expect(byRecipient.get("+60123458886")).toMatchObject({
      error_code: "131026",
      billing_state: "settled",
    });
    // Throttled twice with 130429, then accepted on the chunk's retries.
    const graph = platform.runtime.simulators?.graph;
    expect(graph?.callsTo("60123458885")).toBe(3);
    expect(byRecipient.get("+60123458885")?.billing_state).toBe("settled");
    expect(graph?.callsTo("60123458889")).toBe(2);
    // Accepted messages are never sent twice.
    expect(graph?.callsTo("60123450001")).toBe(1);

    const broadcast = await api(platform.url, "GET", `/broadcasts/${broadcastId}`, {
      key: client.key,
    });
    expect(broadcast.body.data).toMatchObject({
      status: "completed",
      reserved: 180,
      settled: 140,
      released: 40,
    });
    expect(await clientCredit(platform.db, client.clientId)).toMatchObject({
      balance: 10_000 - 140,
      reserved: 0,
    });
    expect(await verifyLedger(platform.db)).toEqual([]);

    const stranger = await createWhatsAppClient(platform.db, platform.config);
    const foreignBroadcast = await api(platform.url, "GET", `/broadcasts/${broadcastId}`, {
      key: stranger.key,
    });
    const foreignMessage = await api(platform.url, "GET", `/messages/${rows[0]?.id}`, {
      key: stranger.key,
    });
    expect(foreignBroadcast.status).toBe(404);
    expect(foreignMessage.status).toBe(404);
  });

  it("records each transition once, whatever order Meta reports in", async () => {
    const response = await api(platform.url, "POST", "/whatsapp", {
      key: client.key,
      body: whatsappBody({ recipients: ["60123458881", "60123458882", "60123458888"] }),
    });
    const broadcastId = response.body.data.broadcastUuid;
    const rows = await waitForStatuses(platform.db, broadcastId, {
      "+60123458881": "read",
      "+60123458882": "read",
      "+60123458888": "delivered",
    });
    const [read, readFirst, thrice] = rows as [
      (typeof rows)[0],
      (typeof rows)[0],
      (typeof rows)[0],
    ];
    // The thrice-posted statuses must all be stored and applied before looking at history.
    await waitForInboxDrained();

    expect(await historyOf(platform.db, read.id)).toEqual([
      "enqueued",
      "sent",
      "delivered",
      "read",
    ]);
    // Read was posted before delivered: read also records delivered, whichever came first.
    expect(await historyOf(platform.db, readFirst.id)).toEqual([
      "enqueued",
      "sent",
      "delivered",
      "read",
    ]);
    expect(await historyOf(platform.db, thrice.id)).toEqual(["enqueued", "sent", "delivered"]);
    const stored = (await platform.db.execute(sql`SELECT count(*) AS count FROM inbound_callbacks
      WHERE provider = 'meta'
        AND payload::text LIKE ${`%${thrice.provider_message_id}%`}`)) as unknown as {
      count: string;
    }[];
    expect(Number(stored[0]?.count)).toBe(6);

    const message = await api(platform.url, "GET", `/messages/${readFirst.id}`, {
      key: client.key,
    });
    expect(message.body.data.status).toBe("read");
    expect(message.body.data.history[0].status).toBe("pending");
    expect(message.body.data.history.at(-1).status).toBe("read");
  });

  it("does not charge sandbox broadcasts and still runs them on the simulator", async () => {
    const sandbox = await createWhatsAppClient(platform.db, platform.config, { test: true });
    const before = await clientCredit(platform.db, sandbox.clientId);

    const response = await api(platform.url, "POST", "/whatsapp", {
      key: sandbox.key,
      body: whatsappBody({ recipients: ["60123458881"] }),
    });

    expect(response.status).toBe(202);
    expect(response.body.data.reserved).toBe(0);
    const rows = await waitForStatuses(platform.db, response.body.data.broadcastUuid, {
      "+60123458881": "read",
    });
    expect(rows[0]?.billing_state).toBe("free");
    expect(await clientCredit(platform.db, sandbox.clientId)).toEqual(before);
    expect(await messagesOf(platform.db, response.body.data.broadcastUuid)).toHaveLength(1);
  });
});

async function waitForInboxDrained(): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const rows = (await platform.db.execute(sql`SELECT count(*) AS count FROM inbound_callbacks
      WHERE processed_at IS NULL`)) as unknown as { count: string }[];
    if (Number(rows[0]?.count) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("inbox never drained");
}
