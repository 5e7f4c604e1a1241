import { type Executor, whatsappConfigs } from "@teekrr/db";
import { AppError } from "@teekrr/shared";
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import type { Config } from "../../env.ts";
import type { SecretBox } from "../encryption.ts";
import { safeEqual } from "../secrets.ts";
import { credentialContext } from "./config.ts";

/** The shared number the Graph simulator answers for when no real one is configured. */
export const simulatorPhoneNumberId = "100000000000001";

/** Which number a broadcast sends from, stored with it so its jobs need no re-decision. */
export interface SenderRef {
  source: "client" | "platform";
  phoneNumberId: string;
}

export interface SenderCredentials extends SenderRef {
  accessToken: string;
}

export function platformDefaultNumber(config: Config): string | null {
  if (config.WHATSAPP_DEFAULT_PHONE_NUMBER_ID) return config.WHATSAPP_DEFAULT_PHONE_NUMBER_ID;
  // Without a Graph address every live send goes to the simulator, which owns this number.
  return config.GRAPH_BASE_URL ? null : simulatorPhoneNumberId;
}

/** The client's own number, else the platform's shared number if enabled for it, else 404. */
export async function resolveSender(
  db: Executor,
  config: Config,
  clientId: string,
): Promise<SenderRef> {
  const [row] = await db
    .select()
    .from(whatsappConfigs)
    .where(and(eq(whatsappConfigs.clientId, clientId), eq(whatsappConfigs.active, true)));
  if (row?.phoneNumberId) return { source: "client", phoneNumberId: row.phoneNumberId };
  const shared = platformDefaultNumber(config);
  if (row?.usePlatformDefault && shared) return { source: "platform", phoneNumberId: shared };
  throw new AppError("whatsapp_not_configured");
}

/**
 * The token to send with, read when sending so a rotated token applies to queued work.
 * Null when the sender was switched off or changed since the broadcast was created.
 */
export async function loadSenderCredentials(
  db: Executor,
  config: Config,
  box: SecretBox,
  clientId: string,
  sender: SenderRef,
): Promise<SenderCredentials | null> {
  if (sender.source === "platform") {
    return { ...sender, accessToken: config.WHATSAPP_DEFAULT_ACCESS_TOKEN ?? "" };
  }
  const [row] = await db
    .select()
    .from(whatsappConfigs)
    .where(
      and(
        eq(whatsappConfigs.clientId, clientId),
        eq(whatsappConfigs.phoneNumberId, sender.phoneNumberId),
        eq(whatsappConfigs.active, true),
      ),
    );
  if (!row?.accessTokenEncrypted) return null;
  const accessToken = box.open(
    row.accessTokenEncrypted,
    credentialContext(clientId, "access_token"),
  );
  return { ...sender, accessToken };
}

/**
 * App secrets that may have signed a webhook about these numbers: the platform's (and
 * the simulator's) plus those of the clients that own the numbers.
 */
export async function appSecretsFor(
  db: Executor,
  config: Config,
  box: SecretBox,
  phoneNumberIds: string[],
): Promise<string[]> {
  const secrets = [config.WHATSAPP_DEFAULT_APP_SECRET, config.SIMULATOR_SECRET].filter(
    (secret): secret is string => !!secret,
  );
  if (phoneNumberIds.length === 0) return secrets;
  const rows = await db
    .select({ clientId: whatsappConfigs.clientId, sealed: whatsappConfigs.appSecretEncrypted })
    .from(whatsappConfigs)
    .where(
      and(
        inArray(whatsappConfigs.phoneNumberId, phoneNumberIds.slice(0, 20)),
        isNotNull(whatsappConfigs.appSecretEncrypted),
      ),
    );
  for (const row of rows) {
    if (row.sealed)
      secrets.push(box.open(row.sealed, credentialContext(row.clientId, "app_secret")));
  }
  return secrets;
}

/** Whether Meta's subscription check presented a verify token we issued. */
export async function isKnownVerifyToken(
  db: Executor,
  config: Config,
  token: string,
): Promise<boolean> {
  if (config.WHATSAPP_VERIFY_TOKEN && safeEqual(config.WHATSAPP_VERIFY_TOKEN, token)) return true;
  if (token.length < 8 || token.length > 1024) return false;
  const [row] = await db
    .select({ clientId: whatsappConfigs.clientId })
    .from(whatsappConfigs)
    .where(and(eq(whatsappConfigs.verifyToken, token), eq(whatsappConfigs.active, true)));
  return row !== undefined;
}
