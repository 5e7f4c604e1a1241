import { apiKeys, clients, type Executor } from "@teekrr/db";
import { and, eq, isNull } from "drizzle-orm";
import { apiScopes, createApiKey } from "../domain/api-keys.ts";
import { cliActor } from "../domain/audit.ts";
import { createClient } from "../domain/clients.ts";
import { createEmailTemplate } from "../domain/email/templates.ts";
import type { SecretBox } from "../domain/encryption.ts";
import { topUpCredit } from "../domain/ledger.ts";
import { createKeyword, createTemplate } from "../domain/templates.ts";
import { setPlatformDefaultAccess } from "../domain/whatsapp/config.ts";
import { createWhatsAppTemplate } from "../domain/whatsapp/templates.ts";

const demoName = "Demo Sdn Bhd";
const demoKeyName = "demo key";

/**
 * Gives a fresh installation something to send with: a prepaid client with credit, a
 * template per channel, a keyword and the shared WhatsApp number. Each start issues a new
 * key and revokes the previous one, since a key's plaintext exists only at creation.
 */
export async function ensureDemoClient(
  db: Executor,
  box: SecretBox,
): Promise<{ clientId: string; key: string }> {
  let [client] = await db.select().from(clients).where(eq(clients.name, demoName));
  if (!client) {
    client = await createClient(db, cliActor, {
      name: demoName,
      billing: "prepaid",
      channels: ["sms", "whatsapp", "email"],
      brand: "Demo",
    });
    await topUpCredit(db, client.id, 100_000, cliActor.name, "demo credit");
    await createTemplate(db, cliActor, {
      clientId: client.id,
      channel: "sms",
      name: "welcome",
      content: "Hi {name}, welcome to Demo. Reply STOP to opt out.",
      status: "approved",
    });
    await createKeyword(db, cliActor, client.id, "DEMO");
    await createWhatsAppTemplate(db, cliActor, {
      clientId: client.id,
      name: "order_update",
      language: "en",
      category: "UTILITY",
      components: [{ type: "BODY", text: "Hi {{1}}, your order {{2}} ships today." }],
      status: "approved",
    });
    await setPlatformDefaultAccess(db, box, cliActor, client.id, true);
    await createEmailTemplate(db, cliActor, {
      clientId: client.id,
      name: "newsletter",
      subject: "News for {name}",
      html: "<p>Hi {name}, here is this month's news.</p>",
      text: "Hi {name}, here is this month's news.",
      status: "approved",
    });
  }

  await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(apiKeys.clientId, client.id),
        eq(apiKeys.name, demoKeyName),
        isNull(apiKeys.revokedAt),
      ),
    );
  const { key } = await createApiKey(db, {
    clientId: client.id,
    name: demoKeyName,
    scopes: [...apiScopes],
  });
  return { clientId: client.id, key };
}
