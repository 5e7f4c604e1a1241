import { randomBytes } from "node:crypto";
import type { Database } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { cliActor } from "../src/domain/audit.ts";
import { setEmailSender } from "../src/domain/email/senders.ts";
import { addManualSuppression } from "../src/domain/email/suppressions.ts";
import { createUser, type UserRole } from "../src/domain/users.ts";
import type { Platform } from "../src/platform.ts";
import { createTrpcContext } from "../src/trpc/context.ts";
import { createCaller } from "../src/trpc/router.ts";
import { createApprovedEmailTemplate } from "./email-helpers.ts";
import { createTestClient, startTestPlatform, type TestPlatform, waitFor } from "./harness.ts";
import { createWhatsAppClient, type WhatsAppClient } from "./whatsapp-helpers.ts";

export const testPassword = "correct horse battery";

export type ConsoleCaller = ReturnType<typeof createCaller>;

/** A caller with no session, as the sign-in screen is. */
export function anonymousCaller(platform: Platform): ConsoleCaller {
  return createCaller(createTrpcContext(platform, null));
}

export function callerWithToken(platform: Platform, token: string | null): ConsoleCaller {
  return createCaller(createTrpcContext(platform, token));
}

/** Creates a console user and signs it in; the caller carries the session token. */
export async function signedInAs(
  platform: Platform,
  role: UserRole,
  clientId: string | null,
): Promise<{ caller: ConsoleCaller; token: string; email: string; userId: string }> {
  const email = `${role}-${randomBytes(4).toString("hex")}@example.my`;
  const user = await createUser(platform.database.db, cliActor, {
    email,
    password: testPassword,
    role,
    clientId: role.startsWith("staff_") ? null : clientId,
  });
  const session = await anonymousCaller(platform).auth.signIn({ email, password: testPassword });
  return {
    caller: callerWithToken(platform, session.token),
    token: session.token,
    email,
    userId: user.id,
  };
}

/** The tRPC code a call failed with, or "OK". */
export async function outcomeOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "OK";
  } catch (error) {
    return (error as { code?: string }).code ?? "THREW";
  }
}

/**
 * A platform with a client ready for every channel the console composes (its WhatsApp
 * number and templates, the `welcome` email template, a sender and one suppressed
 * address), an operator of it, and an operator of another client.
 */
export async function startComposePlatform(): Promise<{
  platform: TestPlatform;
  client: WhatsAppClient;
  operator: ConsoleCaller;
  otherOperator: ConsoleCaller;
}> {
  const platform = await startTestPlatform();
  const client = await createWhatsAppClient(platform.db, platform.config, { credit: 10_000 });
  await createApprovedEmailTemplate(platform.db, client.clientId);
  await setEmailSender(platform.db, cliActor, {
    clientId: client.clientId,
    fromAddress: "news@kedai.example.com",
    displayName: "Kedai News",
  });
  await addManualSuppression(platform.db, cliActor, client.clientId, "gone@example.com");
  const operator = (await signedInAs(platform.runtime.platform, "operator", client.clientId))
    .caller;
  const other = await createTestClient(platform.db, { credit: 10_000 });
  const otherOperator = (await signedInAs(platform.runtime.platform, "operator", other.clientId))
    .caller;
  return { platform, client, operator, otherOperator };
}

/** The audit actions recorded against one target, oldest first. */
export async function auditActionsOn(db: Database, targetId: string): Promise<string[]> {
  const rows = (await db.execute(
    sql`SELECT action FROM audit_log WHERE target_id = ${targetId} ORDER BY id`,
  )) as unknown as { action: string }[];
  return rows.map((row) => row.action);
}

/** Waits until every message of the broadcast is delivered, as the console's detail shows. */
export async function waitUntilDelivered(caller: ConsoleCaller, broadcastUuid: string) {
  return await waitFor(
    async () => {
      const detail = await caller.broadcasts.detail({ broadcastUuid });
      return detail.counts.delivered === detail.recipients ? detail : null;
    },
    30_000,
    "every message delivered",
  );
}
