import { clients, type Executor, whatsappConfigs } from "@teekrr/db";
import { AppError } from "@teekrr/shared";
import { eq } from "drizzle-orm";
import { type Actor, recordAudit } from "../audit.ts";
import type { SecretBox } from "../encryption.ts";
import { isUniqueViolation } from "../sql.ts";

export interface WhatsAppConfigInput {
  clientId: string;
  /** The client's own Business number; omit to rely on the platform's shared number. */
  phoneNumberId?: string | null;
  accessToken?: string | null;
  appSecret?: string | null;
  verifyToken?: string | null;
  usePlatformDefault?: boolean;
  active?: boolean;
}

/** Where a sealed credential lives; bound into its ciphertext. */
export function credentialContext(clientId: string, field: "access_token" | "app_secret"): string {
  return `whatsapp_configs:${clientId}:${field}`;
}

type ConfigRow = typeof whatsappConfigs.$inferSelect;

/** A configuration as people may see it: which secrets are set, never their values. */
export function presentWhatsAppConfig(row: ConfigRow) {
  return {
    clientId: row.clientId,
    phoneNumberId: row.phoneNumberId,
    hasAccessToken: row.accessTokenEncrypted !== null,
    hasAppSecret: row.appSecretEncrypted !== null,
    verifyToken: row.verifyToken ? `${row.verifyToken.slice(0, 3)}***` : null,
    usePlatformDefault: row.usePlatformDefault,
    active: row.active,
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type WhatsAppConfigView = ReturnType<typeof presentWhatsAppConfig>;

function invalid(field: string, message: string): AppError {
  return new AppError("validation_failed", undefined, [{ field, message }]);
}

function checkInput(input: WhatsAppConfigInput): void {
  if (input.phoneNumberId != null && !/^\d{5,20}$/.test(input.phoneNumberId)) {
    throw invalid("phoneNumberId", "A phone number id is 5 to 20 digits");
  }
  for (const [field, value] of [
    ["accessToken", input.accessToken],
    ["appSecret", input.appSecret],
    ["verifyToken", input.verifyToken],
  ] as const) {
    if (value != null && (value.length < 8 || value.length > 1024 || /\s/.test(value))) {
      throw invalid(field, "Must be 8 to 1024 characters without spaces");
    }
  }
}

/**
 * Creates or updates a client's WhatsApp sender. Fields left undefined keep their
 * stored value, so a token can be rotated without re-entering the rest.
 */
export async function configureWhatsApp(
  db: Executor,
  box: SecretBox,
  actor: Actor,
  input: WhatsAppConfigInput,
): Promise<WhatsAppConfigView> {
  checkInput(input);
  const [client] = await db
    .select({ id: clients.id })
    .from(clients)
    .where(eq(clients.id, input.clientId));
  if (!client) throw new AppError("not_found", "Client not found");
  const [before] = await db
    .select()
    .from(whatsappConfigs)
    .where(eq(whatsappConfigs.clientId, input.clientId));

  const seal = (value: string | null | undefined, field: "access_token" | "app_secret") =>
    value === undefined
      ? undefined
      : value === null
        ? null
        : box.seal(value, credentialContext(input.clientId, field));
  const changes = {
    ...(input.phoneNumberId !== undefined ? { phoneNumberId: input.phoneNumberId } : {}),
    ...(input.accessToken !== undefined
      ? { accessTokenEncrypted: seal(input.accessToken, "access_token") ?? null }
      : {}),
    ...(input.appSecret !== undefined
      ? { appSecretEncrypted: seal(input.appSecret, "app_secret") ?? null }
      : {}),
    ...(input.verifyToken !== undefined ? { verifyToken: input.verifyToken } : {}),
    ...(input.usePlatformDefault !== undefined
      ? { usePlatformDefault: input.usePlatformDefault }
      : {}),
    ...(input.active !== undefined ? { active: input.active } : {}),
  };
  const merged = { ...before, ...changes };
  if (merged.phoneNumberId && !merged.accessTokenEncrypted) {
    throw invalid("accessToken", "An access token is required with a phone number id");
  }

  let after: ConfigRow | undefined;
  try {
    [after] = await db
      .insert(whatsappConfigs)
      .values({ clientId: input.clientId, ...changes })
      .onConflictDoUpdate({
        target: whatsappConfigs.clientId,
        set: { ...changes, updatedAt: new Date() },
      })
      .returning();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError("conflict", "This phone number id belongs to another client");
    }
    throw error;
  }
  if (!after) throw new Error("whatsapp config upsert returned nothing");

  const view = presentWhatsAppConfig(after);
  await recordAudit(db, actor, {
    clientId: input.clientId,
    action: before ? "whatsapp_config.update" : "whatsapp_config.create",
    targetType: "whatsapp_config",
    targetId: input.clientId,
    before: before ? presentWhatsAppConfig(before) : null,
    after: view,
  });
  return view;
}

/** Lets a client send from the platform's shared number, or stops it. */
export async function setPlatformDefaultAccess(
  db: Executor,
  box: SecretBox,
  actor: Actor,
  clientId: string,
  enabled: boolean,
): Promise<WhatsAppConfigView> {
  return await configureWhatsApp(db, box, actor, { clientId, usePlatformDefault: enabled });
}

/** Turns a client's WhatsApp sending off without forgetting its credentials. */
export async function setWhatsAppActive(
  db: Executor,
  box: SecretBox,
  actor: Actor,
  clientId: string,
  active: boolean,
): Promise<WhatsAppConfigView> {
  return await configureWhatsApp(db, box, actor, { clientId, active });
}

export async function getWhatsAppConfig(
  db: Executor,
  clientId: string,
): Promise<WhatsAppConfigView | null> {
  const [row] = await db
    .select()
    .from(whatsappConfigs)
    .where(eq(whatsappConfigs.clientId, clientId));
  return row ? presentWhatsAppConfig(row) : null;
}
