import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SesEmulator, startSesEmulator } from "../src/simulators/ses-emulator.ts";
import type { SnsSimulator } from "../src/simulators/sns-simulator.ts";
import {
  callbackCount,
  createEmailClient,
  quietEmail,
  sesEvent,
  suppressionsOf,
} from "./email-helpers.ts";
import { startTestPlatform, type TestPlatform, waitFor } from "./harness.ts";
import { historyOf, messageStatus } from "./message-helpers.ts";

describe("notifications signed with the simulator's public key", () => {
  const liveTopic = "arn:aws:sns:ap-southeast-1:123456789012:ses-events";
  let live: TestPlatform;
  let liveSes: SesEmulator;

  beforeAll(async () => {
    // SES is configured, so live mail no longer goes to the emulator the simulator watches.
    liveSes = await startSesEmulator("127.0.0.1", 0);
    live = await startTestPlatform({
      SES_ENDPOINT: liveSes.url,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      SES_DEFAULT_FROM: "noreply@teekrr.test",
      SNS_TOPIC_ARNS: liveTopic,
    });
  });
  afterAll(async () => {
    await live.close();
    await liveSes.close();
  });

  const quietMessage = (key: string) => quietEmail(live, key);
  const liveStatusOf = (id: string) => messageStatus(live.db, id);

  it("bounce a sandbox message but leave a live one alone", async () => {
    const simulator = live.runtime.simulators?.sns as SnsSimulator;
    const liveClient = await createEmailClient(live.db);
    const sandboxClient = await createEmailClient(live.db, { test: true });
    const liveMessage = await quietMessage(liveClient.key);
    const sandboxMessage = await quietMessage(sandboxClient.key);

    const forged = await simulator.post(simulator.envelope(sesEvent(liveMessage, "Bounce")));
    const sandbox = await simulator.post(simulator.envelope(sesEvent(sandboxMessage, "Bounce")));

    expect([forged, sandbox]).toEqual([200, 200]);
    await waitFor(async () => (await liveStatusOf(sandboxMessage.id)) === "bounced");
    await waitFor(async () => {
      const rows = (await live.db.execute(sql`SELECT count(*)::int AS n FROM inbound_callbacks
        WHERE processed_at IS NULL`)) as unknown as { n: number }[];
      return rows[0]?.n === 0;
    });
    expect(await liveStatusOf(liveMessage.id)).toBe("send");
    expect(await historyOf(live.db, liveMessage.id)).toEqual(["enqueued", "send"]);
    expect(await suppressionsOf(live.db, liveClient.clientId)).toEqual([]);
    expect(await suppressionsOf(live.db, sandboxClient.clientId)).toEqual([
      { address: sandboxMessage.recipient, reason: "bounce", message_id: sandboxMessage.id },
    ]);
  });

  it("are refused on the live topic, even with the simulator's own certificate URL", async () => {
    const simulator = live.runtime.simulators?.sns as SnsSimulator;
    const liveClient = await createEmailClient(live.db);
    const message = await quietMessage(liveClient.key);
    const before = await callbackCount(live.db);

    const status = await simulator.post(
      simulator.envelope(sesEvent(message, "Bounce"), { TopicArn: liveTopic }),
    );

    expect(status).toBe(403);
    expect(await callbackCount(live.db)).toBe(before);
    expect(await liveStatusOf(message.id)).toBe("send");
  });
});
