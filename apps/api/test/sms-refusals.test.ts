import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../src/domain/api-keys.ts";
import { cliActor } from "../src/domain/audit.ts";
import { verifyLedger } from "../src/domain/ledger-verify.ts";
import { createKeyword, createTemplate } from "../src/domain/templates.ts";
import {
  type ApiResponse,
  api,
  createTestClient,
  startTestPlatform,
  type TestClient,
  type TestPlatform,
} from "./harness.ts";
import { clientCredit, countClientRows, smsBody, waitForClientIdle } from "./sms-helpers.ts";

let platform: TestPlatform;

const rateLimit = 10;

beforeAll(async () => {
  platform = await startTestPlatform({ SEND_RATE_LIMIT: String(rateLimit) });
});
afterAll(async () => {
  await platform.close();
});

function send(client: TestClient, body: Record<string, unknown> = smsBody()) {
  return api(platform.url, "POST", "/sms", { key: client.key, body });
}

/** Runs a request that must be refused and proves it wrote nothing for the client. */
async function expectRefusal(
  client: TestClient,
  request: () => Promise<ApiResponse>,
  status: number,
  message: string,
): Promise<ApiResponse> {
  const before = await countClientRows(platform.db, client.clientId);

  const response = await request();

  expect(response.status).toBe(status);
  if (status === 400) expect(response.body).toMatchObject({ message });
  else expect(response.body).toEqual({ message });
  expect(await countClientRows(platform.db, client.clientId)).toEqual(before);
  return response;
}

describe("refusals of POST /sms", () => {
  it("refuses a client without the SMS channel", async () => {
    const client = await createTestClient(platform.db, { channels: ["email"] });

    await expectRefusal(
      client,
      () => send(client),
      403,
      "Client does not have an active SMS channel subscription",
    );
  });

  it("refuses an unknown template and one still pending approval", async () => {
    const client = await createTestClient(platform.db);
    await createTemplate(platform.db, cliActor, {
      clientId: client.clientId,
      channel: "sms",
      name: "pending-one",
      content: "Hi {name}",
    });
    const other = await createTestClient(platform.db);
    await createTemplate(platform.db, cliActor, {
      clientId: other.clientId,
      channel: "sms",
      name: "someone-elses",
      content: "Hi",
      status: "approved",
    });

    for (const templateName of ["no-such-template", "pending-one", "someone-elses"]) {
      await expectRefusal(
        client,
        () => send(client, smsBody({ templateContent: undefined, templateName })),
        404,
        "Template not found",
      );
    }
  });

  it("refuses an unknown keyword and another client's keyword", async () => {
    const client = await createTestClient(platform.db);
    const other = await createTestClient(platform.db);
    await createKeyword(platform.db, cliActor, other.clientId, "OTHERS");

    for (const keyword of ["NOPE", "OTHERS"]) {
      await expectRefusal(
        client,
        () => send(client, smsBody({ keyword })),
        404,
        "Keyword not found",
      );
    }
  });

  it("refuses a prepaid client short of credit with the exact amounts", async () => {
    const client = await createTestClient(platform.db, { credit: 12 });
    const recipients = ["0123456781", "0123456782", "0123456783"];

    await expectRefusal(
      client,
      () => send(client, smsBody({ recipients })),
      402,
      "Insufficient credit. Required: RM0.15, available: RM0.12",
    );
    expect(await clientCredit(platform.db, client.clientId)).toMatchObject({
      balance: 12,
      reserved: 0,
    });
  });

  it("prices a long message per segment in the refusal", async () => {
    const client = await createTestClient(platform.db, { credit: 999 });
    const recipients = Array.from(
      { length: 100 },
      (_, i) => `0123456${String(i).padStart(3, "0")}`,
    );

    // 200 characters after the prefix: two segments of 5 sen for each of 100 recipients.
    await expectRefusal(
      client,
      () => send(client, smsBody({ recipients, templateContent: "a".repeat(200) })),
      402,
      "Insufficient credit. Required: RM10.00, available: RM9.99",
    );
  });

  it("refuses rows missing a placeholder's value or filling the text past its limit", async () => {
    const client = await createTestClient(platform.db);
    const body = (rows: Record<string, string>[]) =>
      smsBody({
        recipients: undefined,
        templateContent: "Hi {name}, {a}{a}{a}",
        recipientVariables: rows,
      });

    const missing = await expectRefusal(
      client,
      () =>
        send(
          client,
          body([
            { phone: "0123456789", name: "Aina", a: "x" },
            { phone: "0123456788", a: "x" },
          ]),
        ),
      400,
      "Validation failed",
    );
    expect(missing.body.errors).toEqual([
      { field: "recipientVariables.1.name", message: "A value for {name} is required" },
    ]);

    const long = await expectRefusal(
      client,
      () => send(client, body([{ phone: "0123456789", name: "Aina", a: "語".repeat(700) }])),
      400,
      "Validation failed",
    );
    expect(long.body.errors).toEqual([
      {
        field: "recipientVariables.0",
        message: "The filled-in text is longer than 2000 characters",
      },
    ]);
  });

  it("refuses a postpaid broadcast past the cap with the exact amounts", async () => {
    const client = await createTestClient(platform.db, { billing: "postpaid", spendingCap: 100 });
    const first = Array.from({ length: 10 }, (_, i) => `0123400${String(i).padStart(3, "0")}`);
    const second = Array.from({ length: 12 }, (_, i) => `0123500${String(i).padStart(3, "0")}`);
    expect((await send(client, smsBody({ recipients: first }))).status).toBe(202);
    await waitForClientIdle(platform.db, client.clientId);

    await expectRefusal(
      client,
      () => send(client, smsBody({ recipients: second })),
      402,
      "Spending cap exceeded. Accrued: RM0.50, this broadcast: RM0.60, cap: RM1.00",
    );
    expect(await clientCredit(platform.db, client.clientId)).toMatchObject({
      accrued: 50,
      reserved: 0,
    });
    expect(await verifyLedger(platform.db, client.clientId)).toEqual([]);
  });

  it("refuses bad input and bad keys without writing anything", async () => {
    const client = await createTestClient(platform.db);
    const noScope = await createTestClient(platform.db, { scopes: ["read_messages"] });

    await expectRefusal(
      client,
      () => send(client, smsBody({ recipients: ["0123456789", "oops"] })),
      400,
      "Validation failed",
    );
    await expectRefusal(
      client,
      () => api(platform.url, "POST", "/sms", { key: "tk_live_notarealkey000", body: smsBody() }),
      401,
      "Invalid API key",
    );
    await expectRefusal(
      noScope,
      () => send(noScope),
      403,
      "API key does not have the required scope: send_sms",
    );
    expect(await countClientRows(platform.db, client.clientId)).toMatchObject({
      broadcasts: 0,
      rateLimitCounters: 0,
    });
  });
});

describe("the send rate limit", () => {
  it("counts only accepted requests and answers 429 with its headers after the limit", async () => {
    const client = await createTestClient(platform.db);

    const refused = await send(client, smsBody({ recipients: ["bad"] }));
    const accepted: ApiResponse[] = [];
    for (let i = 0; i < rateLimit; i++) accepted.push(await send(client));
    await waitForClientIdle(platform.db, client.clientId);

    expect(refused.status).toBe(400);
    expect(accepted.map((response) => response.status)).toEqual(Array(rateLimit).fill(202));
    expect(accepted.map((response) => response.headers.get("ratelimit-remaining"))).toEqual(
      Array.from({ length: rateLimit }, (_, i) => String(rateLimit - 1 - i)),
    );
    expect(accepted[0]?.headers.get("ratelimit-limit")).toBe(String(rateLimit));
    const limited = await expectRefusal(
      client,
      () => send(client),
      429,
      "Too many requests, please try again later",
    );
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(platform.config.RATE_LIMIT_WINDOW_SECONDS);
    expect(limited.headers.get("ratelimit-limit")).toBe(String(rateLimit));
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    expect(Number(limited.headers.get("ratelimit-reset"))).toBe(retryAfter);
  });

  it("keys on the client, not the key", async () => {
    const client = await createTestClient(platform.db);
    const { key: secondKey } = await createApiKey(platform.db, {
      clientId: client.clientId,
      name: "second key",
      scopes: ["send_sms"],
    });
    const sameClient = { ...client, key: secondKey };
    const other = await createTestClient(platform.db);
    for (let i = 0; i < rateLimit; i++) expect((await send(client)).status).toBe(202);

    expect((await send(sameClient)).status).toBe(429);
    expect((await send(other)).status).toBe(202);
    expect((await send(client)).status).toBe(429);
  });

  it("lets exactly the limit through when many requests race", async () => {
    const client = await createTestClient(platform.db);

    const responses = await Promise.all(Array.from({ length: 30 }, () => send(client)));

    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 202)).toHaveLength(rateLimit);
    expect(statuses.filter((status) => status === 429)).toHaveLength(30 - rateLimit);
    const rows = await countClientRows(platform.db, client.clientId);
    expect(rows).toMatchObject({
      broadcasts: rateLimit,
      rateLimitCounters: rateLimit,
      sendJobs: rateLimit,
    });
    await waitForClientIdle(platform.db, client.clientId);
    expect(await verifyLedger(platform.db, client.clientId)).toEqual([]);
  });
});
