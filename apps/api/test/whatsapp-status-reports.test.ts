import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "../src/domain/ledger-verify.ts";
import { api, type TestPlatform, waitFor } from "./harness.ts";
import { historyOf, type MessageRow, messagesOf } from "./message-helpers.ts";
import { type Receiver, startReceiver } from "./webhook-receiver.ts";
import {
  metaCallbackCalls,
  metaStatus,
  metaWebhook,
  quietRecipients,
  quietWhatsApp,
  startMetaCallbackPlatform,
  type WhatsAppClient,
} from "./whatsapp-helpers.ts";

let platform: TestPlatform;
let client: WhatsAppClient;
let receiver: Receiver;
/** Messages Meta accepted but reports nothing about, so each test reports by hand. */
let quiet: MessageRow[];

beforeAll(async () => {
  ({ platform, client } = await startMetaCallbackPlatform());
  receiver = await startReceiver();
  quiet = await quietWhatsApp(platform, client, quietRecipients);
});
afterAll(async () => {
  await platform.close();
  await receiver.close();
});

const { postSigned, storedCallbacks, drained, broadcastOf } = metaCallbackCalls(() => ({
  platform,
  client,
}));

function message(index: number): MessageRow {
  return quiet[index] as MessageRow;
}

describe("status reports from Meta", () => {
  it("applies batched entries and changes, each status to its own message", async () => {
    const payload = metaWebhook([
      [
        {
          phoneNumberId: client.phoneNumberId,
          statuses: [
            metaStatus(message(1).provider_message_id as string, "delivered", message(1).recipient),
          ],
        },
        {
          phoneNumberId: client.phoneNumberId,
          statuses: [
            metaStatus(message(2).provider_message_id as string, "delivered", message(2).recipient),
            metaStatus(message(2).provider_message_id as string, "read", message(2).recipient),
          ],
        },
      ],
      [
        {
          phoneNumberId: client.phoneNumberId,
          statuses: [
            metaStatus(message(3).provider_message_id as string, "failed", message(3).recipient, {
              errors: [
                {
                  code: 131026,
                  title: "Message undeliverable",
                  message: "Message undeliverable",
                  error_data: { details: "Message Undeliverable." },
                },
              ],
            }),
          ],
        },
      ],
    ]);

    const response = await postSigned(payload);

    expect(response.status).toBe(200);
    await drained();
    const rows = new Map(
      (await messagesOf(platform.db, await broadcastOf(message(1).id))).map((r) => [r.id, r]),
    );
    expect(rows.get(message(1).id)?.status).toBe("delivered");
    expect(rows.get(message(2).id)?.status).toBe("read");
    expect(rows.get(message(3).id)).toMatchObject({
      status: "failed",
      error_code: "131026",
      error_message: "Message undeliverable",
      // Meta accepted it before it failed, so the share was already settled.
      billing_state: "settled",
    });
    expect(await verifyLedger(platform.db)).toEqual([]);
  });

  it("records delivered with read, announces both, keeps read when delivered is late", async () => {
    const target = message(4);
    const wamid = target.provider_message_id as string;
    const endpoint = await api(platform.url, "POST", "/webhook-endpoints", {
      key: client.key,
      body: { url: receiver.url, events: ["delivered", "read"] },
    });
    expect(endpoint.status).toBe(201);

    await postSigned(
      metaWebhook([
        [
          {
            phoneNumberId: client.phoneNumberId,
            statuses: [metaStatus(wamid, "read", target.recipient)],
          },
        ],
      ]),
    );
    await drained();
    await postSigned(
      metaWebhook([
        [
          {
            phoneNumberId: client.phoneNumberId,
            statuses: [metaStatus(wamid, "delivered", target.recipient)],
          },
        ],
      ]),
    );
    await drained();

    const [row] = (await messagesOf(platform.db, await broadcastOf(target.id))).filter(
      (r) => r.id === target.id,
    );
    expect(row?.status).toBe("read");
    expect(await historyOf(platform.db, target.id)).toEqual([
      "enqueued",
      "sent",
      "delivered",
      "read",
    ]);
    const times = (await platform.db.execute(sql`SELECT DISTINCT occurred_at FROM message_events
      WHERE message_id = ${target.id} AND status IN ('delivered', 'read')`)) as unknown[];
    expect(times).toHaveLength(1);
    const queued = (await platform.db.execute(sql`SELECT event FROM webhook_deliveries
      WHERE message_id = ${target.id} ORDER BY event`)) as unknown as { event: string }[];
    expect(queued.map((delivery) => delivery.event)).toEqual(["delivered", "read"]);
    await waitFor(async () => receiver.forMessage(target.id).length === 2);
  });

  it("changes state once for a callback sent three times, never for a replay", async () => {
    const target = message(1);
    const wamid = target.provider_message_id as string;
    const read = metaWebhook([
      [
        {
          phoneNumberId: client.phoneNumberId,
          statuses: [metaStatus(wamid, "read", target.recipient)],
        },
      ],
    ]);
    const oldDelivered = metaWebhook([
      [
        {
          phoneNumberId: client.phoneNumberId,
          statuses: [metaStatus(wamid, "delivered", target.recipient)],
        },
      ],
    ]);

    for (let copy = 0; copy < 3; copy++) expect((await postSigned(read)).status).toBe(200);
    await drained();
    expect((await postSigned(oldDelivered)).status).toBe(200);
    await drained();

    expect(await historyOf(platform.db, target.id)).toEqual([
      "enqueued",
      "sent",
      "delivered",
      "read",
    ]);
    const events = (await platform.db.execute(sql`SELECT count(*) AS count FROM message_events
      WHERE message_id = ${target.id} AND status = 'read'`)) as unknown as { count: string }[];
    expect(Number(events[0]?.count)).toBe(1);
  });

  it("stores but ignores a webhook about something other than statuses", async () => {
    const body = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "1",
          changes: [{ field: "message_template_status_update", value: { event: "APPROVED" } }],
        },
      ],
    });

    const response = await postSigned(body, platform.config.SIMULATOR_SECRET);

    expect(response.status).toBe(200);
    await drained();
  });

  it("refuses a signed body that is not JSON without storing it", async () => {
    const before = await storedCallbacks();

    const response = await postSigned("not json", platform.config.SIMULATOR_SECRET);

    expect(response.status).toBe(400);
    expect(await storedCallbacks()).toBe(before);
  });
});
