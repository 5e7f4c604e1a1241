import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../src/domain/audit.ts";
import { createSecretBox } from "../src/domain/encryption.ts";
import { configureWhatsApp } from "../src/domain/whatsapp/config.ts";
import { simulatorPhoneNumberId } from "../src/domain/whatsapp/sender.ts";
import {
  type ApiResponse,
  api,
  createTestClient,
  startTestPlatform,
  type TestClient,
  type TestPlatform,
} from "./harness.ts";
import { countClientRows } from "./sms-helpers.ts";
import {
  createWhatsAppClient,
  type WhatsAppClient,
  whatsappBody,
  whatsappSendCalls,
} from "./whatsapp-helpers.ts";

let platform: TestPlatform;
let client: WhatsAppClient;

beforeAll(async () => {
  platform = await startTestPlatform();
  client = await createWhatsAppClient(platform.db, platform.config);
});
afterAll(async () => {
  await platform.close();
});

const { send, sentTemplate, sendAndWait } = whatsappSendCalls(() => platform);

async function expectRefusal(
  sender: TestClient,
  request: () => Promise<ApiResponse>,
  status: number,
  message: string,
): Promise<ApiResponse> {
  const before = await countClientRows(platform.db, sender.clientId);

  const response = await request();

  expect(response.status).toBe(status);
  expect(response.body.message).toBe(message);
  expect(await countClientRows(platform.db, sender.clientId)).toEqual(before);
  return response;
}

describe("POST /whatsapp refusals", () => {
  it("refuses missing or non-string values and bad recipients with the field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ templateName: "order_update", variables: { body: ["only one"] } }, "variables.header"],
      [
        {
          templateName: "order_update",
          variables: { header: ["A"], body: [1, "x"], button: ["b"] },
        },
        "variables.body.0",
      ],
      [
        {
          templateName: "promo_named",
          variables: { templateParams: { first_name: 5, offer: "x" } },
        },
        "variables.templateParams.first_name",
      ],
      [
        { templateName: "promo_named", variables: { templateParams: { first_name: "x" } } },
        "variables.templateParams.offer",
      ],
      [{ templateName: "image_promo" }, "variables.headerImage"],
      [
        { templateName: "image_promo", variables: { headerImage: "javascript:alert(1)" } },
        "variables.headerImage",
      ],
      [{ variables: { unknown: "x" } }, "variables"],
      [
        { recipients: undefined, recipientVariables: [{ phone: "60123450001", name: 7 }] },
        "recipientVariables.0.name",
      ],
      [{ recipients: ["60123450001", "not a number"] }, "recipients.1"],
    ];
    for (const [overrides, field] of cases) {
      const response = await expectRefusal(
        client,
        () => send(client, whatsappBody(overrides)),
        400,
        "Validation failed",
      );

      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    }
  });

  it("answers 404 for an unknown template and 422 for one pending approval", async () => {
    await expectRefusal(
      client,
      () => send(client, whatsappBody({ templateName: "nope" })),
      404,
      "WhatsApp template not found",
    );
    await expectRefusal(
      client,
      () => send(client, whatsappBody({ templateName: "pending_promo" })),
      422,
      "Template is not approved (current status: pending)",
    );
  });

  it("treats another client's template as not found", async () => {
    const stranger = await createTestClient(platform.db);
    await configureWhatsApp(
      platform.db,
      createSecretBox(platform.config.ENCRYPTION_KEY),
      cliActor,
      {
        clientId: stranger.clientId,
        usePlatformDefault: true,
      },
    );

    await expectRefusal(
      stranger,
      () => send(stranger, whatsappBody()),
      404,
      "WhatsApp template not found",
    );
  });

  it("answers 404 without a sender, and uses the shared number once staff enable it", async () => {
    const bare = await createWhatsAppClient(platform.db, platform.config);
    const box = createSecretBox(platform.config.ENCRYPTION_KEY);
    await configureWhatsApp(platform.db, box, cliActor, { clientId: bare.clientId, active: false });

    await expectRefusal(
      bare,
      () => send(bare, whatsappBody()),
      404,
      "No active WhatsApp configuration found for this client",
    );

    await configureWhatsApp(platform.db, box, cliActor, {
      clientId: bare.clientId,
      phoneNumberId: null,
      accessToken: null,
      usePlatformDefault: true,
      active: true,
    });
    await sendAndWait(bare, whatsappBody({ recipients: ["60123450021"] }));
    expect(sentTemplate("60123450021")?.phoneNumberId).toBe(simulatorPhoneNumberId);
  });

  it("refuses a missing scope, an unsubscribed client and too little credit", async () => {
    const smsOnly = await createWhatsAppClient(platform.db, platform.config, {
      scopes: ["send_sms"],
    });
    const noChannel = await createWhatsAppClient(platform.db, platform.config, {
      channels: ["sms"],
    });
    const broke = await createWhatsAppClient(platform.db, platform.config, { credit: 10 });

    await expectRefusal(
      smsOnly,
      () => send(smsOnly, whatsappBody()),
      403,
      "API key does not have the required scope: send_whatsapp",
    );
    await expectRefusal(
      noChannel,
      () => send(noChannel, whatsappBody()),
      403,
      "Client does not have an active WhatsApp channel subscription",
    );
    await expectRefusal(
      broke,
      () => send(broke, whatsappBody()),
      402,
      "Insufficient credit. Required: RM0.20, available: RM0.10",
    );
    await expectRefusal(
      broke,
      () => api(platform.url, "POST", "/whatsapp", { body: whatsappBody() }),
      401,
      "Missing or invalid Authorization header",
    );
  });
});
