import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SnsSimulator } from "../src/simulators/sns-simulator.ts";
import {
  callbackCount,
  createEmailClient,
  quietEmail,
  sesEvent,
  suppressionsOf,
} from "./email-helpers.ts";
import { api, startTestPlatform, type TestClient, type TestPlatform, waitFor } from "./harness.ts";
import { messageStatus } from "./message-helpers.ts";

let platform: TestPlatform;
let client: TestClient;
let sns: SnsSimulator;

beforeAll(async () => {
  platform = await startTestPlatform();
  client = await createEmailClient(platform.db, { credit: 10_000 });
  sns = platform.runtime.simulators?.sns as SnsSimulator;
});
afterAll(async () => {
  await platform.close();
});

const acceptedMessage = () => quietEmail(platform, client.key);
const statusOf = (id: string) => messageStatus(platform.db, id);

describe("SNS signature checks", () => {
  it("refuses a bad signature, an untrusted certificate host, a wrong topic or edits", async () => {
    const message = await acceptedMessage();
    const before = await callbackCount(platform.db);
    const good = sns.envelope(sesEvent(message, "Bounce"));
    const forgedSignature = { ...good, Signature: sns.envelope({ other: true }).Signature };
    const localhostCert = sns.envelope(sesEvent(message, "Bounce"), {
      SigningCertURL: sns.certUrl.replace("127.0.0.1", "localhost"),
    });
    const remoteCert = sns.envelope(sesEvent(message, "Bounce"), {
      SigningCertURL: "https://sns.evil.example.com/SimpleNotificationService-1.pem",
    });
    const wrongTopic = sns.envelope(sesEvent(message, "Bounce"), {
      TopicArn: "arn:aws:sns:ap-southeast-1:123456789012:someone-elses-topic",
    });
    const tampered = {
      ...good,
      Message: good.Message.replace("Permanent", "Transient"),
    };
    const unsigned = { ...good, Signature: undefined };

    const statuses = [];
    for (const forged of [
      forgedSignature,
      localhostCert,
      remoteCert,
      wrongTopic,
      tampered,
      unsigned,
    ]) {
      statuses.push(await sns.post(forged));
    }

    expect(statuses).toEqual([403, 403, 403, 403, 403, 403]);
    expect(await callbackCount(platform.db)).toBe(before);
    expect(await statusOf(message.id)).toBe("send");
    expect(await suppressionsOf(platform.db, client.clientId)).toEqual([]);
  });

  it("refuses a body that is not JSON", async () => {
    const response = await api(platform.url, "POST", "/callbacks/ses", {
      raw: "not json",
      headers: { "content-type": "text/plain; charset=UTF-8" },
    });

    expect(response.status).toBe(400);
  });

  it("accepts signature version 2 (SHA256withRSA)", async () => {
    const message = await acceptedMessage();

    const status = await sns.post(
      sns.envelope(sesEvent(message, "Delivery"), { SignatureVersion: "2" }),
    );

    expect(status).toBe(200);
    await waitFor(async () => (await statusOf(message.id)) === "delivered");
  });
});
