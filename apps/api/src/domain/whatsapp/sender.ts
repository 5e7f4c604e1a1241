import { type Executor, whatsappConfigs } from "@teekrr/db";
import { AppError } from "@teekrr/shared";
import { and, eq, inArray } from "drizzle-orm";
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

/** An app secret and the numbers whose webhooks it may sign; null for any number. */
export interface AppSecret {
  secret: string;
  phoneNumberIds: ReadonlySet<string> | null;
}

/**
 * App secrets that may have signed a webhook about these numbers. A client's own secret
 * speaks for its own number alone, so one client cannot sign statuses about another's.
 * The platform's secret speaks for the shared number and for numbers configured without a
 * secret of their own (their webhooks come through the platform's Meta app). The
 * simulators post for whichever number a sandbox send named, signed with a secret only the
 * platform holds.
 */
export async function appSecretsFor(
  db: Executor,
  config: Config,
  box: SecretBox,
  phoneNumberIds: string[],
): Promise<AppSecret[]> {
  const rows =
    phoneNumberIds.length === 0
      ? []
      : await db
          .select({
            clientId: whatsappConfigs.clientId,
            phoneNumberId: whatsappConfigs.phoneNumberId,
            sealed: whatsappConfigs.appSecretEncrypted,
          })
          .from(whatsappConfigs)
          .where(inArray(whatsappConfigs.phoneNumberId, phoneNumberIds.slice(0, 20)));

  // Most likely signer first: a client's own app, then the platform's, then the simulators.
  const secrets: AppSecret[] = [];
  for (const row of rows) {
    if (!row.sealed || !row.phoneNumberId) continue;
    secrets.push({
      secret: box.open(row.sealed, credentialContext(row.clientId, "app_secret")),
      phoneNumberIds: new Set([row.phoneNumberId]),
    });
  }
  if (config.WHATSAPP_DEFAULT_APP_SECRET) {
    const platformNumbers = rows.flatMap((row) =>
      row.sealed === null && row.phoneNumberId ? [row.phoneNumberId] : [],
    );
    if (config.WHATSAPP_DEFAULT_PHONE_NUMBER_ID) {
      platformNumbers.push(config.WHATSAPP_DEFAULT_PHONE_NUMBER_ID);
    }
    secrets.push({
      secret: config.WHATSAPP_DEFAULT_APP_SECRET,
      phoneNumberIds: new Set(platformNumbers),
    });
  }
  if (config.SIMULATOR_SECRET) {
    secrets.push({ secret: config.SIMULATOR_SECRET, phoneNumberIds: null });
  }
  return secrets;
}

/** How long a process keeps the app secrets it looked up for a set of numbers. */
const appSecretsTtlMs = 10_000;
const maxCachedNumberSets = 1000;

/**
 * `appSecretsFor`, remembered for a few seconds per set of numbers: Meta posts every
 * status of a number's messages with the same secret, and looking it up and decrypting
 * it for each webhook cost a query per callback. A changed app secret is used within
 * those seconds; webhooks signed with the new one are refused until then, and Meta
 * retries them.
 */
export function createAppSecretsLookup(
  db: Executor,
  config: Config,
  box: SecretBox,
): (phoneNumberIds: string[]) => Promise<AppSecret[]> {
  const cache = new Map<string, { until: number; secrets: Promise<AppSecret[]> }>();
  return (phoneNumberIds) => {
    const key = [...new Set(phoneNumberIds)].sort().join(",");
    const cached = cache.get(key);
    if (cached && cached.until > Date.now()) return cached.secrets;
    if (cache.size >= maxCachedNumberSets) cache.clear();
    const secrets = appSecretsFor(db, config, box, phoneNumberIds);
    cache.set(key, { until: Date.now() + appSecretsTtlMs, secrets });
    secrets.catch(() => cache.delete(key));
    return secrets;
  };
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
