import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../src/domain/audit.ts";
import { createTemplate } from "../src/domain/templates.ts";
import type { UserRole } from "../src/domain/users.ts";
import {
  createTestClient,
  startTestPlatform,
  type TestClient,
  type TestPlatform,
} from "./harness.ts";
import { type ConsoleCaller, outcomeOf, signedInAs } from "./trpc-helpers.ts";

const roles: UserRole[] = [
  "owner",
  "operator",
  "developer",
  "finance",
  "staff_admin",
  "staff_finance",
];
const everyone = roles;
const staff: UserRole[] = ["staff_admin", "staff_finance"];
const missingId = "00000000-0000-4000-8000-000000000000";

let platform: TestPlatform;
let client: TestClient;
let templateId: string;
const callers = new Map<UserRole, ConsoleCaller>();

interface Case {
  name: string;
  allowed: UserRole[];
  call: (caller: ConsoleCaller, role: UserRole, scope: { clientId?: string }) => Promise<unknown>;
}

/** The rights of each role, written out by hand so the test checks the code, not itself. */
const cases: Case[] = [
  { name: "auth.me", allowed: everyone, call: (c) => c.auth.me() },
  {
    name: "compose.previewSms",
    allowed: ["owner", "operator"],
    call: (c, _r, s) =>
      c.compose.previewSms({ ...s, content: "Hi", recipients: [{ phone: "0123456789" }] }),
  },
  {
    name: "compose.validateRecipients",
    allowed: ["owner", "operator"],
    call: (c, _r, s) =>
      c.compose.validateRecipients({ ...s, channel: "whatsapp", recipients: ["x"] }),
  },
  {
    name: "compose.sendSms",
    allowed: ["owner", "operator"],
    call: (c, r, s) =>
      c.compose.sendSms({
        ...s,
        campaignName: `by ${r}`,
        content: "Hello",
        recipients: [{ phone: "0123456789" }],
      }),
  },
  {
    name: "compose.testSms",
    allowed: ["owner", "operator"],
    call: (c, _r, s) => c.compose.testSms({ ...s, content: "Test", phone: "0123456780" }),
  },
  {
    name: "compose.sendWhatsapp",
    allowed: ["owner", "operator"],
    call: (c, _r, s) => c.compose.sendWhatsapp({ ...s, body: {} }),
  },
  {
    name: "compose.sendEmail",
    allowed: ["owner", "operator"],
    call: (c, _r, s) => c.compose.sendEmail({ ...s, body: {} }),
  },
  {
    name: "compose.whatsappTemplates",
    allowed: ["owner", "operator"],
    call: (c, _r, s) => c.compose.whatsappTemplates(s),
  },
  {
    name: "compose.previewWhatsapp",
    allowed: ["owner", "operator"],
    call: (c, _r, s) =>
      c.compose.previewWhatsapp({ ...s, templateName: "missing", recipients: [] }),
  },
  {
    name: "compose.testWhatsapp",
    allowed: ["owner", "operator"],
    call: (c, _r, s) => c.compose.testWhatsapp({ ...s, body: {} }),
  },
  {
    name: "compose.emailTemplates",
    allowed: ["owner", "operator"],
    call: (c, _r, s) => c.compose.emailTemplates(s),
  },
  {
    name: "compose.previewEmail",
    allowed: ["owner", "operator"],
    call: (c, _r, s) =>
      c.compose.previewEmail({ ...s, templateName: "missing", subject: "Hi", recipients: [] }),
  },
  { name: "broadcasts.list", allowed: everyone, call: (c, _r, s) => c.broadcasts.list(s) },
  {
    name: "broadcasts.cancel",
    allowed: ["owner", "operator"],
    call: (c, _r, s) => c.broadcasts.cancel({ ...s, broadcastUuid: missingId }),
  },
  {
    name: "usage.list",
    allowed: ["owner", "developer", "finance", ...staff],
    call: (c, _r, s) => c.usage.list(s),
  },
  {
    name: "webhooks.list",
    allowed: ["owner", "developer", "finance", ...staff],
    call: (c, _r, s) => c.webhooks.list(s),
  },
  {
    name: "webhooks.create",
    allowed: ["owner", "developer"],
    call: (c, _r, s) => c.webhooks.create({ ...s, url: "https://127.0.0.1/teekrr" }),
  },
  {
    name: "webhooks.update",
    allowed: ["owner", "developer"],
    call: (c, _r, s) => c.webhooks.update({ ...s, endpointId: missingId, active: false }),
  },
  {
    name: "webhooks.rotateSecret",
    allowed: ["owner", "developer"],
    call: (c, _r, s) => c.webhooks.rotateSecret({ ...s, endpointId: missingId }),
  },
  {
    name: "webhooks.test",
    allowed: ["owner", "developer"],
    call: (c, _r, s) => c.webhooks.test({ ...s, endpointId: missingId }),
  },
  {
    name: "webhooks.resend",
    allowed: ["owner", "developer"],
    call: (c, _r, s) => c.webhooks.resend({ ...s, deliveryId: missingId }),
  },
  { name: "keys.list", allowed: everyone, call: (c, _r, s) => c.keys.list(s) },
  { name: "keys.rates", allowed: everyone, call: (c, _r, s) => c.keys.rates(s) },
  {
    name: "keys.create",
    allowed: ["owner", "developer"],
    call: (c, r, s) => c.keys.create({ ...s, name: `key of ${r}`, scopes: ["send_sms"] }),
  },
  {
    name: "keys.revoke",
    allowed: ["owner", "developer"],
    call: (c, _r, s) => c.keys.revoke({ ...s, keyId: client.keyId }),
  },
  {
    name: "finance.summary",
    allowed: ["owner", "finance", ...staff],
    call: (c, _r, s) => c.finance.summary(s),
  },
  {
    name: "finance.ledger",
    allowed: ["owner", "finance", ...staff],
    call: (c, _r, s) => c.finance.ledger(s),
  },
  {
    name: "finance.dailySpend",
    allowed: ["owner", "finance", ...staff],
    call: (c, _r, s) => c.finance.dailySpend(s),
  },
  {
    name: "finance.statementCsv",
    allowed: ["owner", "finance", ...staff],
    call: (c, _r, s) => c.finance.statementCsv({ ...s, cycleStart: "2026-01-01" }),
  },
  { name: "finance.clients", allowed: staff, call: (c) => c.finance.clients() },
  {
    name: "finance.topUp",
    allowed: ["staff_finance"],
    call: (c, _r, s) => c.finance.topUp({ ...s, amount: 100 }),
  },
  {
    name: "finance.adjust",
    allowed: ["staff_finance"],
    call: (c, _r, s) => c.finance.adjust({ ...s, amount: -1, reason: "rounding" }),
  },
  {
    name: "finance.setCap",
    allowed: ["staff_finance"],
    call: (c, _r, s) => c.finance.setCap({ ...s, cap: 10_000 }),
  },
  {
    name: "finance.setRates",
    allowed: ["staff_admin"],
    call: (c, _r, s) => c.finance.setRates({ ...s, sms: 5 }),
  },
  { name: "content.templates", allowed: everyone, call: (c, _r, s) => c.content.templates(s) },
  { name: "content.keywords", allowed: everyone, call: (c, _r, s) => c.content.keywords(s) },
  {
    name: "content.createTemplate",
    allowed: ["owner", "operator"],
    call: (c, r, s) =>
      c.content.createTemplate({ ...s, channel: "sms", name: `by ${r}`, content: "Hi" }),
  },
  {
    name: "content.createKeyword",
    allowed: ["owner", "operator"],
    call: (c, r, s) => c.content.createKeyword({ ...s, keyword: r.slice(0, 6).toUpperCase() }),
  },
  {
    name: "content.reviewTemplate",
    allowed: ["staff_admin"],
    call: (c, _r, s) => c.content.reviewTemplate({ ...s, templateId, decision: "approved" }),
  },
  { name: "users.list", allowed: ["owner", "staff_admin"], call: (c) => c.users.list() },
  {
    name: "users.create",
    allowed: ["owner", "staff_admin"],
    call: (c, r) =>
      c.users.create({
        email: `made-by-${r}@example.my`,
        role: r.startsWith("staff_") ? "staff_finance" : "operator",
        password: "initial password 1",
      }),
  },
  {
    name: "users.disable",
    allowed: ["owner", "staff_admin"],
    call: (c) => c.users.disable({ userId: missingId }),
  },
  {
    name: "users.enable",
    allowed: ["owner", "staff_admin"],
    call: (c) => c.users.enable({ userId: missingId }),
  },
  {
    name: "audit.list",
    allowed: ["owner", "finance", ...staff],
    call: (c, _r, s) => c.audit.list(s),
  },
];

beforeAll(async () => {
  platform = await startTestPlatform();
  client = await createTestClient(platform.db, { credit: 100_000 });
  const template = await createTemplate(platform.db, cliActor, {
    clientId: client.clientId,
    channel: "sms",
    name: "promo",
    content: "Sale today",
  });
  templateId = template.id;
  for (const role of roles) {
    callers.set(role, (await signedInAs(platform.runtime.platform, role, client.clientId)).caller);
  }
});
afterAll(async () => {
  await platform?.close();
});

describe("what each role may do", () => {
  for (const testCase of cases) {
    const who = testCase.allowed.join(", ");
    it(`${testCase.name} is allowed to ${who} and FORBIDDEN otherwise`, async () => {
      const outcomes: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const role of roles) {
        const scope = role.startsWith("staff_") ? { clientId: client.clientId } : {};
        const outcome = await outcomeOf(() =>
          testCase.call(callers.get(role) as ConsoleCaller, role, scope),
        );
        // An allowed call may still be refused for its own reasons (a CONFLICT, say), but
        // never for lack of rights, and never by crashing.
        const refusedForRights = ["FORBIDDEN", "UNAUTHORIZED", "INTERNAL_SERVER_ERROR", "THREW"];
        outcomes[role] = refusedForRights.includes(outcome) ? outcome : "allowed";
        expected[role] = testCase.allowed.includes(role) ? "allowed" : "FORBIDDEN";
      }

      expect(outcomes).toEqual(expected);
    });
  }
});
