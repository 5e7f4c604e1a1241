/**
 * `webhooks`: signed deliveries per second to a local receiver, from a backlog of queued
 * events to the receiver's 2xx with every attempt logged, against a bare HTTP loop posting the same
 * bodies unsigned to the same receiver with the same concurrency.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent, request } from "undici";
import { createProviders } from "../apps/api/src/channels/providers.ts";
import { cliActor } from "../apps/api/src/domain/audit.ts";
import { createWebhookEndpoint } from "../apps/api/src/domain/webhooks/endpoints.ts";
import { eventBody, queueWebhookEvents } from "../apps/api/src/domain/webhooks/events.ts";
import { webhookUrlPolicy } from "../apps/api/src/domain/webhooks/url-policy.ts";
import { startWebhookWorker } from "../apps/api/src/jobs/webhook-deliver.ts";
import { createLogger } from "../apps/api/src/logger.ts";
import { closePlatform, openPlatform } from "../apps/api/src/platform.ts";
import {
  benchConfig,
  benchDatabase,
  createBenchBroadcast,
  createBenchClient,
  report,
  timed,
} from "./lib.ts";

const size = Number(process.env.BENCH_SIZE ?? 10_000);
const database = await benchDatabase();
const config = benchConfig({
  ROLE: "worker",
  SIMULATORS: "false",
  WEBHOOK_ALLOW_HTTP: "true",
  WEBHOOK_ALLOW_LOOPBACK: "true",
});
const platform = await openPlatform(
  config,
  createLogger(config),
  database.url,
  createProviders(config, null),
);
const { db, sql } = platform.database;

const receiver = createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(204).end());
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

const clientId = await createBenchClient(db);
await createBenchBroadcast(platform, clientId, size, "Terima kasih.");
const messages = await sql`SELECT id, broadcast_id, recipient FROM messages`;

/** The same event bodies the platform sends, posted with no signature and no bookkeeping. */
async function bareLoop(): Promise<void> {
  const agent = new Agent({ connections: config.WEBHOOK_CONCURRENCY });
  let next = 0;
  await Promise.all(
    Array.from({ length: config.WEBHOOK_CONCURRENCY }, async () => {
      while (next < messages.length) {
        const message = messages[next++];
        const body = eventBody(
          "delivered",
          {
            channel: "sms",
            messageUuid: message?.id,
            broadcastUuid: message?.broadcast_id,
            recipient: message?.recipient,
          },
          true,
        );
        const response = await request(receiverUrl, {
          method: "POST",
          dispatcher: agent,
          headers: { "content-type": "application/json" },
          body,
        });
        await response.body.dump();
      }
    }),
  );
  await agent.close();
}

const reference = await timed(bareLoop);

await createWebhookEndpoint(db, webhookUrlPolicy(config), cliActor, clientId, {
  url: receiverUrl,
  events: ["delivered"],
});
// The events are queued before the clock starts: queueing them belongs to whatever changed
// the messages' status, and is measured there. The clock covers the deliver worker waking
// up to a backlog and posting every delivery.
await platform.database.transaction(async ({ tx }) => {
  await queueWebhookEvents(
    tx,
    clientId,
    "delivered",
    messages.map((message) => ({ messageId: message.id as string })),
  );
});
const subject = await timed(async () => {
  await startWebhookWorker(platform);
  // Pending deliveries sit in a partial index that empties as they succeed; polling it is
  // cheap, where a count over every delivery would load the database being measured.
  for (;;) {
    const [row] = await sql`
      SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE status = 'pending') AS waiting`;
    if (!row?.waiting) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});
const [succeeded] =
  await sql`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'succeeded'`;
if (succeeded?.n !== size) throw new Error(`only ${succeeded?.n} of ${size} deliveries succeeded`);

await report("webhooks", [
  {
    scenario: "signed deliveries vs bare loop",
    size,
    subjectMs: subject.ms,
    referenceMs: reference.ms,
    ratio: reference.ms / subject.ms,
    goal: 0.6,
  },
]);
receiver.close();
await closePlatform(platform);
await database.stop();
