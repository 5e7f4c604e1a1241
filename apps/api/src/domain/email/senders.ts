import { type Executor, emailSenders } from "@teekrr/db";
import { AppError } from "@teekrr/shared";
import { eq } from "drizzle-orm";
import { type Actor, recordAudit } from "../audit.ts";
import { normaliseEmail } from "../recipients.ts";

export interface EmailSenderInput {
  clientId: string;
  fromAddress: string;
  displayName?: string | null;
  verified?: boolean;
}

/** Who a broadcast's mail says it is from. */
export interface EmailSender {
  fromAddress: string;
  displayName: string | null;
}

/** Sets the client's sender identity, replacing any earlier one. */
export async function setEmailSender(db: Executor, actor: Actor, input: EmailSenderInput) {
  const fromAddress = normaliseEmail(input.fromAddress);
  if (!fromAddress) {
    throw new AppError("validation_failed", undefined, [
      { field: "from", message: "Invalid email address" },
    ]);
  }
  const displayName = input.displayName?.trim() || null;
  if (displayName && (displayName.length > 100 || /[\r\n]/.test(displayName))) {
    throw new AppError("validation_failed", undefined, [
      { field: "name", message: "A display name is one line of at most 100 characters" },
    ]);
  }
  const [before] = await db
    .select()
    .from(emailSenders)
    .where(eq(emailSenders.clientId, input.clientId));
  const values = { fromAddress, displayName, verified: input.verified ?? true };
  const [after] = await db
    .insert(emailSenders)
    .values({ clientId: input.clientId, ...values })
    .onConflictDoUpdate({
      target: emailSenders.clientId,
      set: { ...values, updatedAt: new Date() },
    })
    .returning();
  if (!after) throw new Error("email sender upsert returned nothing");
  await recordAudit(db, actor, {
    clientId: input.clientId,
    action: "email_sender.set",
    targetType: "email_sender",
    targetId: input.clientId,
    before: before ?? null,
    after,
  });
  return after;
}

/** The address used when neither the client nor the platform names one, on the emulator only. */
export const emulatorSender: EmailSender = {
  fromAddress: "sandbox@teekrr.test",
  displayName: "Teekrr Sandbox",
};

/**
 * The client's verified identity, else the platform's default sender, else (when the mail
 * goes to the local emulator) a sandbox address. Real SES would refuse anything else.
 */
export async function resolveEmailSender(
  db: Executor,
  clientId: string,
  options: { platformDefault: string | undefined; emulated: boolean },
): Promise<EmailSender> {
  const [own] = await db.select().from(emailSenders).where(eq(emailSenders.clientId, clientId));
  if (own?.verified) return { fromAddress: own.fromAddress, displayName: own.displayName };
  if (options.platformDefault) return { fromAddress: options.platformDefault, displayName: null };
  if (options.emulated) return emulatorSender;
  throw new AppError("email_sender_not_configured");
}
