import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestPlatform } from "./harness.ts";
import {
  auditActionsOn,
  type ConsoleCaller,
  outcomeOf,
  startComposePlatform,
  waitUntilDelivered,
} from "./trpc-helpers.ts";

let platform: TestPlatform;
let operator: ConsoleCaller;
let otherOperator: ConsoleCaller;

beforeAll(async () => {
  ({ platform, operator, otherOperator } = await startComposePlatform());
});
afterAll(async () => {
  await platform?.close();
});

const auditActions = (targetId: string) => auditActionsOn(platform.db, targetId);

describe("email from the console", () => {
  it("lists approved email templates with their subject", async () => {
    const templates = await operator.compose.emailTemplates({});

    expect(templates).toEqual([
      {
        name: "welcome",
        subject: "Hello {name}",
        text: "Hello {name}, your code is {code}.",
        hasHtml: true,
      },
    ]);
  });

  it("previews each recipient's subject and text, and reports suppressed addresses", async () => {
    const preview = await operator.compose.previewEmail({
      templateName: "welcome",
      subject: "Hi {name}, your code",
      recipients: [
        { email: "aina@example.com", name: "Aina", code: "A1" },
        { email: "GONE@example.com", name: "Gone", code: "G1" },
        { email: "not-an-address", name: "X" },
        { email: "ben@example.com", name: "Ben", code: "B2" },
      ],
    });

    expect(preview).toMatchObject({
      from: "Kedai News <news@kedai.example.com>",
      ratePerMessage: 1,
      cost: 2,
      sendable: 2,
      suppressed: [{ row: 1, value: "gone@example.com" }],
      previews: [
        {
          recipient: "aina@example.com",
          subject: "Hi Aina, your code",
          text: "Hello Aina, your code is A1.",
        },
        {
          recipient: "ben@example.com",
          subject: "Hi Ben, your code",
          text: "Hello Ben, your code is B2.",
        },
      ],
      recipients: { summary: { total: 4, valid: 3, invalid: 1 } },
    });
  });

  it("sends, skips suppressed recipients without charge, and the rest are delivered", async () => {
    const accepted = await operator.compose.sendEmail({
      body: {
        campaignName: "Welcome codes",
        type: "quick broadcast",
        templateName: "welcome",
        subject: "Hello {name}",
        recipientVariables: [
          { email: "aina@example.com", name: "Aina", code: "A1" },
          { email: "gone@example.com", name: "Gone", code: "G1" },
        ],
      },
    });
    const done = await waitUntilDelivered(operator, accepted.broadcastUuid);

    expect(accepted).toMatchObject({
      queued: 1,
      reserved: 1,
      suppressed: 1,
      suppressedRecipients: ["gone@example.com"],
    });
    expect(done).toMatchObject({ channel: "email", recipients: 1, status: "completed" });
    expect(await auditActions(accepted.broadcastUuid)).toEqual(["broadcast.create"]);
  });

  it("refuses an unknown template as NOT_FOUND and a past schedule as BAD_REQUEST", async () => {
    const unknown = await outcomeOf(() =>
      otherOperator.compose.previewEmail({ templateName: "welcome", subject: "x", recipients: [] }),
    );
    const past = await outcomeOf(() =>
      operator.compose.sendEmail({
        body: {
          campaignName: "Late",
          type: "schedule broadcast",
          scheduledAt: "2020-01-01T00:00:00Z",
          templateName: "welcome",
          subject: "Hello",
          recipients: ["aina@example.com"],
        },
      }),
    );

    expect(unknown).toBe("NOT_FOUND");
    expect(past).toBe("BAD_REQUEST");
  });
});
