import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "../src/domain/ledger-verify.ts";
import { api, startTestPlatform, type TestPlatform, waitFor } from "./harness.ts";
import { historyOf } from "./message-helpers.ts";
import { clientCredit } from "./sms-helpers.ts";
import { createWhatsAppClient, type WhatsAppClient } from "./whatsapp-helpers.ts";

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ MEDIA_MAX_BYTES: "2048" });
});
afterAll(async () => {
  await platform.close();
});

function testSend(client: WhatsAppClient, body: Record<string, unknown>) {
  return api(platform.url, "POST", "/whatsapp/test", { key: client.key, body });
}

async function messageRow(id: string) {
  const rows = (await platform.db.execute(sql`SELECT m.status, m.billing_state, m.price,
      m.error_code, b.type FROM messages m JOIN broadcasts b ON b.id = m.broadcast_id
    WHERE m.id = ${id}`)) as unknown as Record<string, unknown>[];
  return rows[0];
}

describe("POST /whatsapp/test", () => {
  it("sends one message straight to Meta, free, and applies its later statuses", async () => {
    const client = await createWhatsAppClient(platform.db, platform.config);
    const before = await clientCredit(platform.db, client.clientId);

    const response = await testSend(client, {
      templateName: "order_update",
      to: "+60123458881",
      variables: { header: ["T-1"], body: ["Tester", "T-1"], button: ["T-1"] },
    });

    expect(response.status).toBe(200);
    expect(response.body.data.providerMessageId).toMatch(/^wamid\./);
    expect(response.headers.get("ratelimit-limit")).toBe("5");
    const id = response.body.data.messageUuid;
    expect(await messageRow(id)).toMatchObject({
      status: "sent",
      billing_state: "free",
      price: 0,
      type: "test",
    });
    await waitFor(async () => (await messageRow(id))?.status === "read", 20_000, "read");
    expect(await historyOf(platform.db, id)).toEqual(["sent", "delivered", "read"]);
    expect(await clientCredit(platform.db, client.clientId)).toEqual(before);
    expect(await verifyLedger(platform.db, client.clientId)).toEqual([]);
  });

  it("sends once for a repeated Idempotency-Key and replays the first answer", async () => {
    const client = await createWhatsAppClient(platform.db, platform.config);
    const send = () =>
      api(platform.url, "POST", "/whatsapp/test", {
        key: client.key,
        body: { templateName: "appointment", to: "60123450001" },
        headers: { "idempotency-key": "test-send-1" },
      });

    const first = await send();
    const again = await send();

    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("ratelimit-remaining")).toBe(first.headers.get("ratelimit-remaining"));
    const rows = await platform.db.execute(
      sql`SELECT count(*)::int AS n FROM messages WHERE client_id = ${client.clientId}`,
    );
    expect((rows as unknown as { n: number }[])[0]?.n).toBe(1);
  });

  it("answers 422 with Meta's code when Meta refuses, and records the failure", async () => {
    const client = await createWhatsAppClient(platform.db, platform.config);

    const response = await testSend(client, { templateName: "appointment", to: "60123458883" });

    expect(response.status).toBe(422);
    expect(response.body).toEqual({ message: "Test send failed (131026): Message undeliverable" });
    const rows = (await platform.db.execute(sql`SELECT status, error_code FROM messages
      WHERE client_id = ${client.clientId}`)) as unknown as {
      status: string;
      error_code: string;
    }[];
    expect(rows).toEqual([{ status: "failed", error_code: "131026" }]);
  });

  it("allows five test sends per window per client, then answers 429", async () => {
    const client = await createWhatsAppClient(platform.db, platform.config);
    const neighbour = await createWhatsAppClient(platform.db, platform.config);

    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      statuses.push(
        (await testSend(client, { templateName: "appointment", to: "60123450031" })).status,
      );
    }
    const refused = await testSend(client, { templateName: "appointment", to: "60123450031" });
    const neighbourSend = await testSend(neighbour, {
      templateName: "appointment",
      to: "60123450031",
    });
    // The broadcast endpoint keeps its own count.
    const broadcast = await api(platform.url, "POST", "/whatsapp", {
      key: client.key,
      body: {
        campaignName: "c",
        type: "quick broadcast",
        templateName: "appointment",
        recipients: ["60123450032"],
      },
    });

    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ message: "Too many requests, please try again later" });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(neighbourSend.status).toBe(200);
    expect(broadcast.status).toBe(202);
    expect(platform.runtime.simulators?.graph.callsTo("60123450031")).toBe(6);
  });

  it("refuses bad input, unusable templates and missing scope before sending", async () => {
    const client = await createWhatsAppClient(platform.db, platform.config);
    const smsOnly = await createWhatsAppClient(platform.db, platform.config, {
      scopes: ["send_sms"],
    });
    const calls = platform.runtime.simulators?.graph.calls.length;

    const cases: [WhatsAppClient, Record<string, unknown>, number, string][] = [
      [client, { templateName: "appointment", to: "0123456789" }, 400, "Validation failed"],
      [client, { templateName: "appointment", to: "+601" }, 400, "Validation failed"],
      [
        client,
        { templateName: "appointment", to: "60123450033", variables: { body: [5] } },
        400,
        "Validation failed",
      ],
      [client, { templateName: "order_update", to: "60123450033" }, 400, "Validation failed"],
      [client, { templateName: "missing", to: "60123450033" }, 404, "WhatsApp template not found"],
      [
        client,
        { templateName: "pending_promo", to: "60123450033" },
        422,
        "Template is not approved (current status: pending)",
      ],
      [
        smsOnly,
        { templateName: "appointment", to: "60123450033" },
        403,
        "API key does not have the required scope: send_whatsapp",
      ],
    ];
    for (const [caller, body, status, message] of cases) {
      const response = await testSend(caller, body);

      expect(response.status).toBe(status);
      expect(response.body.message).toBe(message);
    }
    expect(platform.runtime.simulators?.graph.calls.length).toBe(calls);
    const counted = (await platform.db.execute(sql`SELECT count(*) AS count FROM rate_limit_counters
      WHERE client_id = ${client.clientId}`)) as unknown as { count: string }[];
    expect(Number(counted[0]?.count)).toBe(0);
  });

  it("works for sandbox keys on the simulator", async () => {
    const client = await createWhatsAppClient(platform.db, platform.config, { test: true });

    const response = await testSend(client, { templateName: "appointment", to: "60123450034" });

    expect(response.status).toBe(200);
  });
});

describe("upload size limit", () => {
  it("refuses a file over MEDIA_MAX_BYTES with 413", async () => {
    const client = await createWhatsAppClient(platform.db, platform.config);
    const form = new FormData();
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(4096)]);
    form.append("file", new Blob([jpeg], { type: "image/jpeg" }), "big.jpg");

    const response = await api(platform.url, "POST", "/whatsapp/upload-header-image", {
      key: client.key,
      form,
    });

    expect(response.status).toBe(413);
    const rows = (await platform.db.execute(sql`SELECT count(*) AS count FROM media_files
      WHERE client_id = ${client.clientId}`)) as unknown as { count: string }[];
    expect(Number(rows[0]?.count)).toBe(0);
  });
});
