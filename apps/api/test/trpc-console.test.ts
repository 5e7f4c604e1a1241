import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "../src/domain/ledger-verify.ts";
import {
  createTestClient,
  startTestPlatform,
  type TestClient,
  type TestPlatform,
  waitFor,
} from "./harness.ts";
import {
  anonymousCaller,
  type ConsoleCaller,
  callerWithToken,
  outcomeOf,
  signedInAs,
  testPassword,
} from "./trpc-helpers.ts";

let platform: TestPlatform;
let clientA: TestClient;
let clientB: TestClient;
let operatorA: ConsoleCaller;
let operatorB: ConsoleCaller;

beforeAll(async () => {
  platform = await startTestPlatform();
  clientA = await createTestClient(platform.db, { credit: 10_000 });
  clientB = await createTestClient(platform.db, { credit: 1 });
  operatorA = (await signedInAs(platform.runtime.platform, "operator", clientA.clientId)).caller;
  operatorB = (await signedInAs(platform.runtime.platform, "operator", clientB.clientId)).caller;
});
afterAll(async () => {
  await platform?.close();
});

describe("signing in and out", () => {
  it("refuses a wrong password as UNAUTHORIZED and ends a session on sign-out", async () => {
    const { email, token } = await signedInAs(
      platform.runtime.platform,
      "finance",
      clientA.clientId,
    );
    const anonymous = anonymousCaller(platform.runtime.platform);

    const wrong = await outcomeOf(() => anonymous.auth.signIn({ email, password: "nope" }));
    const me = await callerWithToken(platform.runtime.platform, token).auth.me();
    await callerWithToken(platform.runtime.platform, token).auth.signOut();
    const afterSignOut = await outcomeOf(() =>
      callerWithToken(platform.runtime.platform, token).auth.me(),
    );

    expect(wrong).toBe("UNAUTHORIZED");
    expect(me).toMatchObject({ email, role: "finance", client: { id: clientA.clientId } });
    expect(afterSignOut).toBe("UNAUTHORIZED");
    const again = await anonymous.auth.signIn({
      email: email.toUpperCase(),
      password: testPassword,
    });
    expect(again.token).toMatch(/^tks_/);
  });

  it("answers over HTTP under /trpc with the same codes", async () => {
    const response = await fetch(`${platform.url}/trpc/auth.me`);

    expect(response.status).toBe(401);
    expect((await response.json()).error.data.code).toBe("UNAUTHORIZED");
  });
});

describe("composing and sending an SMS from the console", () => {
  it("previews cost and bad rows, sends, and the broadcast reaches delivered", async () => {
    const recipients = [
      { phone: "012-345 6789", name: "Aina" },
      { phone: "not a number", name: "X" },
      { phone: "+60123456789", name: "Aina again" },
      { phone: "0129999981", name: "Ben" },
    ];

    const preview = await operatorA.compose.previewSms({ content: "Hi {name}", recipients });
    const accepted = await operatorA.compose.sendSms({
      campaignName: "Console launch",
      content: "Hi {name}",
      recipients: recipients.filter((row) => row.phone !== "not a number"),
    });

    expect(preview).toMatchObject({
      text: "RM0.00 Hi Aina",
      encoding: "GSM-7",
      segments: 1,
      prefixApplied: true,
      costPerRecipient: 5,
      cost: 10,
      enough: true,
      recipients: {
        summary: { total: 4, valid: 2, invalid: 2 },
        invalid: [
          { row: 1, value: "not a number", code: "invalid_phone" },
          { row: 2, value: "+60123456789", code: "duplicate" },
        ],
      },
    });
    expect(accepted).toMatchObject({ queued: 2, duplicates: 1, reserved: 10 });
    const done = await waitFor(
      async () => {
        const detail = await operatorA.broadcasts.detail({ broadcastUuid: accepted.broadcastUuid });
        return detail.counts.delivered === 2 ? detail : null;
      },
      30_000,
      "delivery",
    );
    expect(done.status).toBe("completed");
    const timeline = await operatorA.broadcasts.timeline({ broadcastUuid: accepted.broadcastUuid });
    expect(timeline.points.at(-1)).toMatchObject({ delivered: 2 });
    const found = await operatorA.broadcasts.messages({
      broadcastUuid: accepted.broadcastUuid,
      query: "6789",
    });
    const first = found.items[0];
    expect(found.items).toHaveLength(1);
    const history = await operatorA.broadcasts.message({ messageUuid: first?.messageUuid ?? "" });
    expect(history.history.map((step) => step.status)).toEqual([
      "pending",
      "enqueued",
      "send",
      "delivered",
    ]);
    const csv = await operatorA.broadcasts.exportCsv({ broadcastUuid: accepted.broadcastUuid });
    expect(csv.csv.split("\r\n").filter(Boolean)).toHaveLength(3);
    expect(await verifyLedger(platform.db)).toEqual([]);
  });

  it("maps a refusal for credit to PRECONDITION_FAILED with the contract's message", async () => {
    const error = await operatorB.compose
      .sendSms({ campaignName: "Big", content: "Hello", recipients: [{ phone: "0123456789" }] })
      .catch((caught: unknown) => caught as { code: string; message: string });

    expect(error).toMatchObject({
      code: "PRECONDITION_FAILED",
      message: "Insufficient credit. Required: RM0.05, available: RM0.01",
    });
  });
});

describe("one client's ids used by another", () => {
  it("answers NOT_FOUND for broadcasts, messages, keys and a named client", async () => {
    const sent = await operatorA.compose.sendSms({
      campaignName: "Private",
      content: "Hello",
      recipients: [{ phone: "0123000001" }],
    });
    const developerB = (await signedInAs(platform.runtime.platform, "developer", clientB.clientId))
      .caller;
    const staffAdmin = (await signedInAs(platform.runtime.platform, "staff_admin", null)).caller;
    const {
      items: [message],
    } = await operatorA.broadcasts.messages({ broadcastUuid: sent.broadcastUuid });

    const outcomes = {
      detail: await outcomeOf(() =>
        operatorB.broadcasts.detail({ broadcastUuid: sent.broadcastUuid }),
      ),
      timeline: await outcomeOf(() =>
        operatorB.broadcasts.timeline({ broadcastUuid: sent.broadcastUuid }),
      ),
      message: await outcomeOf(() =>
        operatorB.broadcasts.message({ messageUuid: message?.messageUuid ?? "" }),
      ),
      csv: await outcomeOf(() =>
        operatorB.broadcasts.exportCsv({ broadcastUuid: sent.broadcastUuid }),
      ),
      revokeKey: await outcomeOf(() => developerB.keys.revoke({ keyId: clientA.keyId })),
      rotateKey: await outcomeOf(() => developerB.keys.rotate({ keyId: clientA.keyId })),
      namedClient: await outcomeOf(() => operatorB.broadcasts.list({ clientId: clientA.clientId })),
      staffUnknownClient: await outcomeOf(() =>
        staffAdmin.broadcasts.list({ clientId: "00000000-0000-4000-8000-000000000000" }),
      ),
    };
    const listB = await operatorB.broadcasts.list({});

    expect(outcomes).toEqual({
      detail: "NOT_FOUND",
      timeline: "NOT_FOUND",
      message: "NOT_FOUND",
      csv: "NOT_FOUND",
      revokeKey: "NOT_FOUND",
      rotateKey: "NOT_FOUND",
      namedClient: "NOT_FOUND",
      staffUnknownClient: "NOT_FOUND",
    });
    expect(listB.items.map((broadcast) => broadcast.broadcastUuid)).not.toContain(
      sent.broadcastUuid,
    );
  });
});

describe("keys, finance and the audit log", () => {
  it("creates, rotates and revokes a key, each audited without its secret", async () => {
    const owner = (await signedInAs(platform.runtime.platform, "owner", clientA.clientId)).caller;

    const created = await owner.keys.create({
      name: "CRM",
      scopes: ["send_sms", "read_messages"],
      ipAllowlist: ["10.0.0.0/8"],
    });
    const rotated = await owner.keys.rotate({ keyId: created.apiKey.id, graceHours: 1 });
    const revoked = await owner.keys.revoke({ keyId: rotated.apiKey.id });
    const audit = await owner.audit.list({});

    expect(created.key).toMatch(/^tk_live_/);
    expect(rotated.key).not.toBe(created.key);
    expect(revoked.state).toBe("revoked");
    expect(audit.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(["api_key.create", "api_key.rotate", "api_key.revoke"]),
    );
    expect(JSON.stringify(audit)).not.toContain(created.key);
  });

  it("lets staff finance top up and adjust, shows the ledger, and audits both", async () => {
    const staffFinance = await signedInAs(platform.runtime.platform, "staff_finance", null);
    const scope = { clientId: clientB.clientId };

    await staffFinance.caller.finance.topUp({ ...scope, amount: 5_000, reason: "invoice 42" });
    await staffFinance.caller.finance.adjust({ ...scope, amount: -10, reason: "correction" });
    const summary = await staffFinance.caller.finance.summary(scope);
    const ledger = await staffFinance.caller.finance.ledger({ ...scope, kinds: ["topup"] });
    const adjustError = await outcomeOf(() =>
      staffFinance.caller.finance.adjust({ ...scope, amount: -1_000_000, reason: "too much" }),
    );
    const audit = await staffFinance.caller.audit.list(scope);
    const clients = await staffFinance.caller.finance.clients();

    expect(summary).toMatchObject({ billing: "prepaid", balance: 4_991, available: 4_991 });
    expect(ledger[0]).toMatchObject({ kind: "topup", amount: 5_000, reason: "invoice 42" });
    expect(ledger[0]?.actor).toBe(staffFinance.email);
    expect(adjustError).toBe("CONFLICT");
    expect(audit.slice(0, 2).map((entry) => [entry.action, entry.actor])).toEqual([
      ["credit.adjust", staffFinance.email],
      ["credit.top_up", staffFinance.email],
    ]);
    expect(clients.map((client) => client.clientId)).toEqual(
      expect.arrayContaining([clientA.clientId, clientB.clientId]),
    );
  });

  it("sets a postpaid cap and refuses one on a prepaid client", async () => {
    const postpaid = await createTestClient(platform.db, { billing: "postpaid", spendingCap: 500 });
    const staffFinance = (await signedInAs(platform.runtime.platform, "staff_finance", null))
      .caller;

    const set = await staffFinance.finance.setCap({ clientId: postpaid.clientId, cap: 9_000 });
    const summary = await staffFinance.finance.summary({ clientId: postpaid.clientId });
    const prepaid = await outcomeOf(() =>
      staffFinance.finance.setCap({ clientId: clientA.clientId, cap: 1 }),
    );

    expect(set.spendingCap).toBe(9_000);
    expect(summary).toMatchObject({ billing: "postpaid", spendingCap: 9_000, available: 9_000 });
    expect(prepaid).toBe("CONFLICT");
  });

  it("lets staff approve a template, after which it can be sent by name", async () => {
    const staffAdmin = (await signedInAs(platform.runtime.platform, "staff_admin", null)).caller;
    const created = await operatorA.content.createTemplate({
      channel: "sms",
      name: "weekly",
      content: "Weekly deals",
    });

    const before = await outcomeOf(() =>
      operatorA.compose.previewSms({ templateName: "weekly", recipients: [] }),
    );
    await staffAdmin.content.reviewTemplate({
      clientId: clientA.clientId,
      templateId: created.id,
      decision: "approved",
    });
    const preview = await operatorA.compose.previewSms({ templateName: "weekly", recipients: [] });

    expect(before).toBe("NOT_FOUND");
    expect(preview.text).toBe("RM0.00 Weekly deals");
  });
});
