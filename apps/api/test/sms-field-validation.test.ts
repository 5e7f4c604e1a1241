import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createTestClient, type TestClient, type TestPlatform } from "./harness.ts";
import {
  type ClientRows,
  countClientRows,
  expectEnvelope,
  fieldsOf,
  postSms,
  smsBody,
  startEnvelopePlatform,
} from "./sms-helpers.ts";

let platform: TestPlatform;
let client: TestClient;
let before: ClientRows;

beforeAll(async () => {
  ({ platform, client, before } = await startEnvelopePlatform());
});
afterAll(async () => {
  // Nothing in this file may have been accepted.
  expect(await countClientRows(platform.db, client.clientId)).toEqual(before);
  await platform.close();
});

const post = (options: Parameters<typeof postSms>[2]) => postSms(platform, client.key, options);

describe("fields of the wrong shape", () => {
  it.each([
    ["campaignName", 42],
    ["campaignName", ""],
    ["campaignName", "   "],
    ["campaignName", { a: 1 }],
    ["type", "slow broadcast"],
    ["type", null],
    ["templateContent", ["Hello"]],
    ["templateContent", ""],
    ["recipients", "0123456789"],
    ["recipients", []],
    ["recipients", { 0: "0123456789" }],
    ["keyword", 12],
    ["keyword", "KEYWORDTOOLONG"],
    ["scheduledAt", "tomorrow"],
  ])("answers 400 naming %s for %j", async (field, value) => {
    const response = await post({ body: smsBody({ [field]: value }) });

    expectEnvelope(response, 400);
    expect(fieldsOf(response)).toContain(field);
  });

  it("names the index of a recipient of the wrong type", async () => {
    const response = await post({ body: smsBody({ recipients: ["0123456789", 5, null] }) });

    expectEnvelope(response, 400);
    expect(fieldsOf(response)).toEqual(["recipients.1", "recipients.2"]);
  });

  it("ignores unknown fields, whatever their type", async () => {
    // Another client, so this file's main client stays without any accepted broadcast.
    const other = await createTestClient(platform.db);
    const extras = { senderId: { nested: [1, 2, { deep: null }] }, priority: -1, tags: "x" };

    const accepted = await api(platform.url, "POST", "/sms", {
      key: other.key,
      body: { ...smsBody(), ...extras },
    });
    const refused = await post({ body: { ...smsBody({ campaignName: 7 }), ...extras } });

    expect(accepted.status).toBe(202);
    expectEnvelope(refused, 400);
    expect(fieldsOf(refused)).toEqual(["campaignName"]);
  });

  it("refuses a 1 MB campaign name without echoing it back", async () => {
    const response = await post({ body: smsBody({ campaignName: "x".repeat(1024 * 1024) }) });

    expectEnvelope(response, 400);
    expect(fieldsOf(response)).toEqual(["campaignName"]);
    expect(JSON.stringify(response.body).length).toBeLessThan(1000);
  });

  it("refuses absurd recipient and variable strings", async () => {
    const response = await post({
      body: smsBody({
        templateContent: undefined,
        templateName: "t".repeat(600),
        recipients: undefined,
        recipientVariables: [{ phone: "0123456789", name: "n".repeat(5000) }],
      }),
    });

    expectEnvelope(response, 400);
    expect(fieldsOf(response).sort()).toEqual(["recipientVariables.0.name", "templateName"]);
  });

  it("refuses text with NUL characters, which Postgres cannot store", async () => {
    const response = await post({
      body: smsBody({
        campaignName: "Sale\u0000",
        templateContent: "Hi {name}\u0000",
        recipients: undefined,
        recipientVariables: [
          { phone: "0123456789", name: "ok" },
          { phone: "0123456788", name: "a\u0000b" },
        ],
      }),
    });

    expectEnvelope(response, 400);
    expect(fieldsOf(response)).toEqual([
      "campaignName",
      "templateContent",
      "recipientVariables.1.name",
    ]);
  });

  it("refuses 100,001 recipients when the limit is 100,000", async () => {
    const recipients = Array.from({ length: 100_001 }, (_, i) => `01${String(i).padStart(8, "0")}`);

    const response = await post({ body: smsBody({ recipients }) });

    expectEnvelope(response, 400);
    expect(fieldsOf(response)).toEqual(["recipients"]);
  });
});

describe("the rules between fields", () => {
  it("wants exactly one of templateName and templateContent", async () => {
    const both = await post({ body: smsBody({ templateName: "welcome" }) });
    const neither = await post({ body: smsBody({ templateContent: undefined }) });

    expectEnvelope(both, 400);
    expect(fieldsOf(both)).toEqual(["templateContent"]);
    expectEnvelope(neither, 400);
    expect(fieldsOf(neither)).toEqual(["templateName"]);
  });

  it("wants exactly one of recipients and recipientVariables", async () => {
    const both = await post({
      body: smsBody({ recipientVariables: [{ phone: "0123456789" }] }),
    });
    const neither = await post({ body: smsBody({ recipients: undefined }) });

    expectEnvelope(both, 400);
    expect(fieldsOf(both)).toContain("recipientVariables");
    expectEnvelope(neither, 400);
    expect(fieldsOf(neither)).toContain("recipients");
  });

  it("wants a future scheduledAt for a scheduled broadcast", async () => {
    const missing = await post({ body: smsBody({ type: "schedule broadcast" }) });
    const past = await post({
      body: smsBody({ type: "schedule broadcast", scheduledAt: "2020-01-01T00:00:00Z" }),
    });

    for (const response of [missing, past]) {
      expectEnvelope(response, 400);
      expect(fieldsOf(response)).toEqual(["scheduledAt"]);
    }
    expect(past.body.errors[0].message).toBe("scheduledAt must be in the future");
  });

  it("names the index of an invalid phone number", async () => {
    const response = await post({
      body: smsBody({
        recipients: ["0123456789", "0123456788", "0123456787", "12-abc", "+14155552671"],
      }),
    });

    expectEnvelope(response, 400);
    expect(response.body.errors).toEqual([
      { field: "recipients.3", message: "Phone number must contain only digits" },
      { field: "recipients.4", message: "Only Malaysian phone numbers are supported" },
    ]);
  });

  it("names the row of an invalid phone in recipientVariables", async () => {
    const response = await post({
      body: smsBody({
        recipients: undefined,
        recipientVariables: [
          { phone: "0123456789", name: "A" },
          { phone: "0123456788", name: "B" },
          { phone: "999", name: "C" },
        ],
      }),
    });

    expectEnvelope(response, 400);
    expect(fieldsOf(response)).toEqual(["recipientVariables.2.phone"]);
  });

  it("refuses a row without a phone or with a value that is not a string", async () => {
    const response = await post({
      body: smsBody({
        recipients: undefined,
        recipientVariables: [{ name: "A" }, { phone: "0123456789", age: 30 }],
      }),
    });

    expectEnvelope(response, 400);
    expect(fieldsOf(response)).toEqual(["recipientVariables.0.phone", "recipientVariables.1.age"]);
  });
});
