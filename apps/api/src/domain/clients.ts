import { clients, type Executor } from "@teekrr/db";
import { AppError, type Channel, channels } from "@teekrr/shared";
import { eq } from "drizzle-orm";
import { type Actor, recordAudit } from "./audit.ts";

export interface NewClient {
  name: string;
  billing: "prepaid" | "postpaid";
  spendingCap?: number | null;
  channels?: Channel[];
  brand?: string | null;
}

export async function createClient(db: Executor, actor: Actor, input: NewClient) {
  if (input.billing === "postpaid" && (input.spendingCap ?? null) === null) {
    throw new AppError("validation_failed", undefined, [
      { field: "cap", message: "A postpaid client needs a spending cap" },
    ]);
  }
  const chosen = input.channels ?? ["sms"];
  for (const channel of chosen) {
    if (!channels.includes(channel)) {
      throw new AppError("validation_failed", undefined, [
        { field: "channels", message: `Unknown channel: ${channel}` },
      ]);
    }
  }
  const [client] = await db
    .insert(clients)
    .values({
      name: input.name,
      billing: input.billing,
      spendingCap: input.spendingCap ?? null,
      channels: chosen,
      brand: input.brand ?? null,
    })
    .returning();
  if (!client) throw new Error("client insert returned nothing");
  await recordAudit(db, actor, {
    clientId: client.id,
    action: "client.create",
    targetType: "client",
    targetId: client.id,
    after: client,
  });
  return client;
}

export interface RateChange {
  sms?: number;
  whatsapp?: number;
  email?: number;
}

/** Changes per-channel rates; broadcasts already created keep the prices they were given. */
export async function setRates(db: Executor, actor: Actor, clientId: string, rates: RateChange) {
  const [before] = await db.select().from(clients).where(eq(clients.id, clientId));
  if (!before) throw new AppError("not_found", "Client not found");
  for (const [channel, rate] of Object.entries(rates)) {
    if (rate !== undefined && (!Number.isSafeInteger(rate) || rate < 0)) {
      throw new AppError("validation_failed", undefined, [
        { field: channel, message: "A rate is a whole, non-negative number of sen" },
      ]);
    }
  }
  const [after] = await db
    .update(clients)
    .set({
      ...(rates.sms !== undefined ? { smsRate: rates.sms } : {}),
      ...(rates.whatsapp !== undefined ? { whatsappRate: rates.whatsapp } : {}),
      ...(rates.email !== undefined ? { emailRate: rates.email } : {}),
      updatedAt: new Date(),
    })
    .where(eq(clients.id, clientId))
    .returning();
  await recordAudit(db, actor, {
    clientId,
    action: "rates.set",
    targetType: "client",
    targetId: clientId,
    before: { sms: before.smsRate, whatsapp: before.whatsappRate, email: before.emailRate },
    after: { sms: after?.smsRate, whatsapp: after?.whatsappRate, email: after?.emailRate },
  });
  return after;
}

export function ratesOf(client: { smsRate: number; whatsappRate: number; emailRate: number }) {
  return {
    currency: "MYR",
    sms: { perSegment: client.smsRate },
    whatsapp: { perMessage: client.whatsappRate },
    email: { perMessage: client.emailRate },
  };
}
