import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createTestClient, startTestPlatform, type TestPlatform, waitFor } from "./harness.ts";
import { messagesOf, smsBody } from "./sms-helpers.ts";

let platform: TestPlatform;
const chunkSize = 250;

beforeAll(async () => {
  // A paced gateway account makes each chunk of the large broadcast take seconds, so its
  // chunks hold every lane they are allowed for the whole of the test.
  platform = await startTestPlatform({
    SEND_CHUNK_SIZE: String(chunkSize),
    ELFO_MESSAGES_PER_SECOND: "100",
  });
});
afterAll(async () => {
  await platform.close();
});

function numbers(count: number, prefix: string): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(4, "0")}`);
}

describe("sending for several clients at once", () => {
  it("sends a small broadcast while another client's large one is still going out", async () => {
    const large = await createTestClient(platform.db);
    const small = await createTestClient(platform.db);
    const big = await api(platform.url, "POST", "/sms", {
      key: large.key,
      body: smsBody({ recipients: numbers(chunkSize * 4, "012345") }),
    });
    expect(big.status).toBe(202);
    // Every chunk of the large broadcast has started: each marks its messages `enqueued`.
    await waitFor(async () => {
      const messages = await messagesOf(platform.db, big.body.data.broadcastUuid);
      return messages.every((message) => message.status !== "pending");
    });

    const one = await api(platform.url, "POST", "/sms", {
      key: small.key,
      body: smsBody({ recipients: ["0198765432"] }),
    });
    await waitFor(async () => {
      const [message] = await messagesOf(platform.db, one.body.data.broadcastUuid);
      return message?.status === "send" || message?.status === "delivered";
    });

    // Had the small broadcast waited for a lane to come free, it would have gone out only
    // as the large one's chunks ended, all together, with nearly every message sent.
    const bigMessages = await messagesOf(platform.db, big.body.data.broadcastUuid);
    const sent = bigMessages.filter((message) => !["pending", "enqueued"].includes(message.status));
    expect(sent.length).toBeLessThan(bigMessages.length / 2);
  });
});
