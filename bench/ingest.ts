/**
 * `ingest`: Elfo delivery reports per second through verification, storage, the report
 * worker's status update and history, against a trivial route in the same server that
 * does one insert per request.
 */
import type { AddressInfo } from "node:net";
import { Agent, request } from "undici";
import { createProviders } from "../apps/api/src/channels/providers.ts";
import { buildServer } from "../apps/api/src/http/server.ts";
import { startWorkers } from "../apps/api/src/jobs/workers.ts";
import { createLogger } from "../apps/api/src/logger.ts";
import { closePlatform, openPlatform } from "../apps/api/src/platform.ts";
import { startSimulators } from "../apps/api/src/simulators/start.ts";
import {
  benchConfig,
  benchDatabase,
  createBenchBroadcast,
  createBenchClient,
  report,
  timed,
} from "./lib.ts";

const size = Number(process.env.BENCH_SIZE ?? 20_000);
const inFlight = 64;
const database = await benchDatabase();
const config = benchConfig({ ROLE: "all", SIMULATOR_REPORTS: "false" });
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
await createBenchBroadcast(platform, clientId, size, "Terima kasih.");
await startWorkers(platform);
for (;;) {
  const [row] = await sql`SELECT count(*)::int AS n FROM messages WHERE status = 'send'`;
  if ((row?.n as number) >= size) break;
  await new Promise((resolve) => setTimeout(resolve, 200));
}
const smsIds = (await sql`SELECT provider_message_id FROM messages`).map(
  (row) => row.provider_message_id as string,
);

async function postAll(path: string, headers: Record<string, string>): Promise<void> {
  const agent = new Agent({ connections: inFlight });
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < smsIds.length) {
        const smsId = smsIds[next++];
        const response = await request(`${apiUrl}${path}`, {
          method: "POST",
          dispatcher: agent,
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ sms_id: smsId, status: "DELIVERED" }),
        });
        await response.body.dump();
        if (response.statusCode !== 200) throw new Error(`${path} answered ${response.statusCode}`);
      }
    }),
  );
  await agent.close();
}

const reference = await timed(() => postAll("/bench/trivial", {}));
const subject = await timed(async () => {
  await postAll("/callbacks/elfo", { authorization: config.SIMULATOR_SECRET });
  // The inbox's unprocessed index shrinks to nothing as reports are applied: polling it is
  // cheap, where a count over the messages would load the database being measured.
  for (;;) {
    const [row] = await sql`SELECT count(*)::int AS n FROM inbound_callbacks
      WHERE processed_at IS NULL`;
    if (row?.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});
const [delivered] = await sql`SELECT count(*)::int AS n FROM messages WHERE status = 'delivered'`;
if (delivered?.n !== size) throw new Error(`only ${delivered?.n} of ${size} messages delivered`);

await report("ingest", [
  {
    scenario: "ingest vs one-insert route",
    size,
    subjectMs: subject.ms,
    referenceMs: reference.ms,
    ratio: reference.ms / subject.ms,
    goal: 0.5,
  },
]);
await app.close();
await closePlatform(platform);
await simulators.close();
await database.stop();
