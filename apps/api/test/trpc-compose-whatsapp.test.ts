import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "../src/domain/ledger-verify.ts";
import type { TestPlatform } from "./harness.ts";
import {
  auditActionsOn,
  type ConsoleCaller,
  outcomeOf,
  signedInAs,
  startComposePlatform,
  waitUntilDelivered,
} from "./trpc-helpers.ts";
import { createWhatsAppClient, type WhatsAppClient } from "./whatsapp-helpers.ts";

let platform: TestPlatform;
let client: WhatsAppClient;
let operator: ConsoleCaller;
let otherOperator: ConsoleCaller;

beforeAll(async () => {
  ({ platform, client, operator, otherOperator } = await startComposePlatform());
});
afterAll(async () => {
  await platform?.close();
});

const auditActions = (targetId: string) => auditActionsOn(platform.db, targetId);

describe("WhatsApp from the console", () => {
  it("lists approved templates with the parameters their components ask for", async () => {
    const templates = await operator.compose.whatsappTemplates({});

    const byName = new Map(templates.map((template) => [template.name, template]));
    expect([...byName.keys()].sort()).toEqual([
      "appointment",
      "image_promo",
      "order_update",
      "promo_named",
    ]);
    expect(byName.get("order_update")).toMatchObject({
      named: false,
      headerFormat: "TEXT",
      headerParams: ["1"],
      bodyParams: ["1", "2"],
      urlButtons: 1,
      footerText: "Reply STOP to opt out",
    });
    expect(byName.get("promo_named")).toMatchObject({
      named: true,
      bodyParams: ["first_name", "offer"],
    });
    expect(byName.get("image_promo")).toMatchObject({ headerFormat: "IMAGE", bodyParams: [] });
  });

  it("previews per-recipient values from CSV columns, bad rows and the cost", async () => {
    const recipients: Record<string, string>[] = [
      {
        phone: "60123450001",
        "header.1": "A-1",
        "body.1": "Aina",
        "body.2": "A-1",
        "button.1": "a1",
      },
      { phone: "not a number" },
      {
        phone: "+60123450002",
        "header.1": "B-2",
        "body.1": "Ben",
        "body.2": "B-2",
        "button.1": "b2",
      },
      {
        phone: "60123450001",
        "header.1": "A-1",
        "body.1": "Aina",
        "body.2": "A-1",
        "button.1": "a1",
      },
    ];

    const preview = await operator.compose.previewWhatsapp({
      templateName: "order_update",
      recipients,
    });

    expect(preview).toMatchObject({
      ratePerMessage: 20,
      cost: 40,
      enough: true,
      problems: [],
      previews: [
        { recipient: "+60123450001", text: "Hi Aina, your order A-1 ships today." },
        { recipient: "+60123450002", text: "Hi Ben, your order B-2 ships today." },
      ],
      recipients: {
        summary: { total: 4, valid: 2, invalid: 2 },
        invalid: [
          { row: 1, code: "invalid_phone" },
          { row: 3, code: "duplicate" },
        ],
      },
    });
  });

  it("reports a parameter left empty by its row and field", async () => {
    const preview = await operator.compose.previewWhatsapp({
      templateName: "promo_named",
      variables: { templateParams: { offer: "10% off" } },
      recipients: [{ phone: "60123450001", first_name: "Aina" }, { phone: "60123450002" }],
    });

    expect(preview.problems).toEqual([
      {
        field: "variables.templateParams.first_name",
        message: "A value for {{first_name}} in the template body is required",
      },
    ]);
  });

  it("sends a header image to a list, audits it, and the messages are delivered", async () => {
    const body = {
      campaignName: "Raya arrivals",
      type: "quick broadcast",
      templateName: "image_promo",
      variables: { headerImage: "https://cdn.example.com/raya.jpg" },
      recipients: ["60123450011", "60123450012"],
    };

    const accepted = await operator.compose.sendWhatsapp({ body });
    const done = await waitUntilDelivered(operator, accepted.broadcastUuid);

    expect(accepted).toMatchObject({ queued: 2, reserved: 40, status: "queued" });
    expect(done).toMatchObject({ channel: "whatsapp", status: "completed" });
    expect(await auditActions(accepted.broadcastUuid)).toEqual(["broadcast.create"]);
    expect(await verifyLedger(platform.db, client.clientId)).toEqual([]);
  });

  it("schedules a broadcast with per-recipient rows", async () => {
    const scheduledAt = new Date(Date.now() + 3_600_000).toISOString();

    const accepted = await operator.compose.sendWhatsapp({
      body: {
        campaignName: "Tomorrow's orders",
        type: "schedule broadcast",
        scheduledAt,
        templateName: "promo_named",
        recipientVariables: [{ phone: "60123450021", first_name: "Aina", offer: "Free tea" }],
      },
    });

    expect(accepted).toMatchObject({ status: "scheduled", queued: 1, scheduledAt });
  });

  it("test-sends one free message through Meta and audits it", async () => {
    const sent = await operator.compose.testWhatsapp({
      body: {
        templateName: "order_update",
        to: "60123450031",
        variables: { header: ["T-1"], body: ["Tester", "T-1"], button: ["t1"] },
      },
    });

    expect(sent.providerMessageId).toMatch(/^wamid\./);
    expect(await auditActions(sent.messageUuid)).toEqual(["broadcast.test_send"]);
  });

  it("refuses bad bodies, foreign templates and missing credit as the contract says", async () => {
    const missingVariable = await operator.compose
      .sendWhatsapp({
        body: {
          campaignName: "Broken",
          type: "quick broadcast",
          templateName: "order_update",
          recipients: ["60123450041"],
        },
      })
      .catch((error: unknown) => error as { code: string; cause: unknown });
    const foreignTemplate = await outcomeOf(() =>
      otherOperator.compose.previewWhatsapp({ templateName: "appointment", recipients: [] }),
    );
    const pending = await outcomeOf(() =>
      operator.compose.previewWhatsapp({ templateName: "pending_promo", recipients: [] }),
    );
    const poor = await createWhatsAppClient(platform.db, platform.config, { credit: 10 });
    const poorOperator = (await signedInAs(platform.runtime.platform, "operator", poor.clientId))
      .caller;
    const tooPoor = await poorOperator.compose
      .sendWhatsapp({
        body: {
          campaignName: "Too big",
          type: "quick broadcast",
          templateName: "appointment",
          recipients: ["60123450051"],
        },
      })
      .catch((error: unknown) => error as { code: string; message: string });

    expect(missingVariable).toMatchObject({
      code: "BAD_REQUEST",
      cause: {
        fieldErrors: expect.arrayContaining([
          expect.objectContaining({ field: "variables.header" }),
        ]),
      },
    });
    expect(foreignTemplate).toBe("NOT_FOUND");
    expect(pending).toBe("UNPROCESSABLE_CONTENT");
    expect(tooPoor).toMatchObject({
      code: "PRECONDITION_FAILED",
      message: "Insufficient credit. Required: RM0.20, available: RM0.10",
    });
  });
});
