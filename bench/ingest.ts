/**
 * `ingest`: provider callbacks per second, from the POST to the message's new status, for
 * each provider: Elfo delivery reports (key check), Meta status webhooks (HMAC of the raw
 * body) and SES notifications over SNS (RSA signature), each through the inbox, the report
 * worker's guarded update, the history row and the webhook outbox. The reference is a
 * trivial route in the same server doing one insert per request, given the same bodies.
 */
import { createHmac } from "node:crypto";
import type { AddressInfo } from "node:net";
import { normalisePhone } from "@teekrr/shared";
import { Agent, request } from "undici";
import { createProviders } from "../apps/api/src/channels/providers.ts";
import { cliActor } from "../apps/api/src/domain/audit.ts";
import { createEmailBroadcast } from "../apps/api/src/domain/email/create-broadcast.ts";
import { createEmailTemplate } from "../apps/api/src/domain/email/templates.ts";
import { createSecretBox } from "../apps/api/src/domain/encryption.ts";
import { configureWhatsApp } from "../apps/api/src/domain/whatsapp/config.ts";
import { createWhatsAppBroadcast } from "../apps/api/src/domain/whatsapp/create-broadcast.ts";
import { createWhatsAppTemplate } from "../apps/api/src/domain/whatsapp/templates.ts";
import { buildServer } from "../apps/api/src/http/server.ts";
import { startWorkers } from "../apps/api/src/jobs/workers.ts";
import { createLogger } from "../apps/api/src/logger.ts";
import { closePlatform, openPlatform } from "../apps/api/src/platform.ts";
import { startSimulators } from "../apps/api/src/simulators/start.ts";
import {
  type BenchRow,
  benchConfig,
  benchDatabase,
  createBenchBroadcast,
  createBenchClient,
  report,
  timed,
} from "./lib.ts";

const size = Number(process.env.BENCH_SIZE ?? 10_000);
const inFlight = 64;
const database = await benchDatabase();
const config = benchConfig({
  ROLE: "all",
  // The scenario posts every report itself; the simulators only accept the sends.
  SIMULATOR_REPORTS: "false",
  WHATSAPP_MESSAGES_PER_SECOND: "1000000",
  SES_MAX_SEND_RATE: "1000000",
});
const simulators = await startSimulators(config);
const platform = await openPlatform(
  config,
  createLogger(config),
  database.url,
  createProviders(config, simulators),
);
const { db, sql } = platform.database;

await sql`CREATE TABLE trivial_reference (id bigserial PRIMARY KEY, payload jsonb NOT NULL)`;
const app = await buildServer(platform, (server) => {
  server.post("/bench/trivial", async (req) => {
    await sql`INSERT INTO trivial_reference (payload) VALUES (${JSON.stringify(req.body)}::jsonb)`;
    return { data: { received: true } };
  });
});
await app.listen({ host: "127.0.0.1", port: 0 });
const apiUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
const clientId = await createBenchClient(db);
await startWorkers(platform);

interface Callback {
  headers: Record<string, string>;
  body: string;
}

/** Posts every callback to `path`, `inFlight` at a time, each answered 200. */
async function postAll(path: string, callbacks: Callback[]): Promise<void> {
  const agent = new Agent({ connections: inFlight });
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < callbacks.length) {
        const callback = callbacks[next++] as Callback;
        const response = await request(`${apiUrl}${path}`, {
          method: "POST",
          dispatcher: agent,
          headers: { "content-type": "application/json", ...callback.headers },
          body: callback.body,
        });
        await response.body.dump();
        if (response.statusCode !== 200) throw new Error(`${path} answered ${response.statusCode}`);
      }
    }),
  );
  await agent.close();
}

async function countWhere(channel: string, status: string): Promise<number> {
  const [row] = await sql`SELECT count(*)::int AS n FROM messages
    WHERE channel = ${channel} AND status = ${status}`;
  return row?.n as number;
}

async function waitForStatus(channel: string, status: string): Promise<void> {
  while ((await countWhere(channel, status)) < size) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function providerIds(channel: string): Promise<{ id: string; recipient: string }[]> {
  const rows = await sql`SELECT provider_message_id, recipient FROM messages
    WHERE channel = ${channel} ORDER BY seq`;
  return rows.map((row) => ({ id: row.provider_message_id, recipient: row.recipient }));
}

/**
 * Times the reference and then the scenario. The scenario's clock runs until the inbox is
 * empty: its unprocessed index shrinks to nothing as reports are applied, so polling it
 * is cheap where a count over the messages would load the database being measured.
 */
async function measure(
  name: string,
  path: string,
  callbacks: Callback[],
  channel: string,
): Promise<BenchRow> {
  const reference = await timed(() =>
    postAll(
      "/bench/trivial",
      callbacks.map((callback) => ({ headers: {}, body: callback.body })),
    ),
  );
  const subject = await timed(async () => {
    await postAll(path, callbacks);
    for (;;) {
      const [row] = await sql`SELECT count(*)::int AS n FROM inbound_callbacks
        WHERE processed_at IS NULL`;
      if (row?.n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  const delivered = await countWhere(channel, "delivered");
  if (delivered !== size) throw new Error(`${name}: only ${delivered} of ${size} delivered`);
  return {
    scenario: `${name} vs one-insert route`,
    size,
    subjectMs: subject.ms,
    referenceMs: reference.ms,
    ratio: reference.ms / subject.ms,
    goal: 0.5,
  };
}

/** Elfo: `{ sms_id, status }` with the account key in `Authorization`. */
async function elfoCallbacks(): Promise<Callback[]> {
  await createBenchBroadcast(platform, clientId, size, "Terima kasih.");
  await waitForStatus("sms", "send");
  return (await providerIds("sms")).map(({ id }) => ({
    headers: { authorization: config.SIMULATOR_SECRET },
    body: JSON.stringify({ sms_id: id, status: "DELIVERED" }),
  }));
}

/**
 * Distinct Malaysian mobiles ending 8887, which the Graph simulator accepts and then posts
 * nothing for: every valid number of the form 01X-NNN 8887 or 011-DNNN 8887.
 */
function silentWhatsAppNumbers(count: number): string[] {
  const numbers: string[] = [];
  const prefixes = ["6012", "6013", "6014", "6016", "6017", "6018", "6019"];
  for (let digit = 0; digit <= 9; digit++) prefixes.push(`6011${digit}`);
  for (const prefix of prefixes) {
    for (let value = 0; value < 1000 && numbers.length < count; value++) {
      const phone = normalisePhone(`${prefix}${String(value).padStart(3, "0")}8887`, false);
      if (phone.ok) numbers.push(phone.e164);
    }
  }
  if (numbers.length < count) throw new Error("BENCH_SIZE is past the numbers this makes");
  return numbers;
}

/** Meta: one `delivered` status per webhook, signed with the client app's secret. */
async function metaCallbacks(): Promise<Callback[]> {
  const phoneNumberId = "109876543210987";
  const appSecret = "bench-app-secret";
  await configureWhatsApp(db, createSecretBox(config.ENCRYPTION_KEY), cliActor, {
    clientId,
    phoneNumberId,
    accessToken: "bench-access-token",
    appSecret,
    verifyToken: "bench-verify-token",
  });
  await createWhatsAppTemplate(db, cliActor, {
    clientId,
    name: "thanks",
    language: "en_US",
    category: "UTILITY",
    components: [{ type: "BODY", text: "Terima kasih." }],
    status: "approved",
  });
  const recipients = silentWhatsAppNumbers(size);
  await createWhatsAppBroadcast(
    platform,
    { clientId, apiKeyId: null, livemode: true },
    { campaignName: "bench", type: "quick broadcast", templateName: "thanks", recipients },
  );
  await waitForStatus("whatsapp", "sent");
  return (await providerIds("whatsapp")).map(({ id, recipient }) => {
    const body = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "102290129340398",
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "60388881234", phone_number_id: phoneNumberId },
                statuses: [
                  {
                    id,
                    status: "delivered",
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    recipient_id: recipient.replace(/^\+/, ""),
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const signature = createHmac("sha256", appSecret).update(body).digest("hex");
    return { headers: { "x-hub-signature-256": `sha256=${signature}` }, body };
  });
}

/** SES: one Delivery notification per SNS message, signed by the SNS simulator. */
async function sesCallbacks(): Promise<Callback[]> {
  await createEmailTemplate(db, cliActor, {
    clientId,
    name: "thanks",
    subject: "Terima kasih",
    html: "<p>Terima kasih.</p>",
    text: "Terima kasih.",
    status: "approved",
  });
  // The SNS simulator posts nothing for the `noreport` mailbox.
  const recipients = Array.from({ length: size }, (_, i) => `noreport+${i}@example.com`);
  await createEmailBroadcast(
    platform,
    { clientId, apiKeyId: null, livemode: true },
    {
      campaignName: "bench",
      type: "quick broadcast",
      templateName: "thanks",
      subject: "Terima kasih",
      recipients,
    },
  );
  await waitForStatus("email", "send");
  const from = "bench@example.com";
  return (await providerIds("email")).map(({ id, recipient }) => {
    const envelope = simulators.sns.envelope({
      notificationType: "Delivery",
      mail: {
        timestamp: new Date().toISOString(),
        source: from,
        messageId: id,
        destination: [recipient],
        commonHeaders: { from: [from], to: [recipient], subject: "Terima kasih" },
      },
      delivery: {
        timestamp: new Date().toISOString(),
        processingTimeMillis: 546,
        recipients: [recipient],
        smtpResponse: "250 ok",
        remoteMtaIp: "127.0.2.0",
      },
    });
    return {
      headers: {
        "x-amz-sns-message-type": "Notification",
        "x-amz-sns-topic-arn": envelope.TopicArn,
      },
      body: JSON.stringify(envelope),
    };
  });
}

const rows: BenchRow[] = [];
rows.push(await measure("elfo reports", "/callbacks/elfo", await elfoCallbacks(), "sms"));
rows.push(await measure("meta statuses", "/callbacks/meta", await metaCallbacks(), "whatsapp"));
rows.push(await measure("ses notifications", "/callbacks/ses", await sesCallbacks(), "email"));

await report("ingest", rows);
await app.close();
await closePlatform(platform);
await simulators.close();
await database.stop();
