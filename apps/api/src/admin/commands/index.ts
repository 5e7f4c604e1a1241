import type { AdminCommand } from "../command.ts";
import { clientCreate, creditTopup, ledgerVerify, ratesSet } from "./clients.ts";
import { keywordCreate, templateCreate } from "./content.ts";
import { emailIdentity } from "./email.ts";
import { keyCreate, keyRevoke, keyRotate } from "./keys.ts";
import { userCreate } from "./users.ts";
import { whatsappConfigure, whatsappTemplateStatus } from "./whatsapp.ts";

/** Every command of the admin CLI; new commands are added to this list. */
export const adminCommands: AdminCommand[] = [
  clientCreate,
  creditTopup,
  ratesSet,
  templateCreate,
  keywordCreate,
  keyCreate,
  keyRevoke,
  keyRotate,
  userCreate,
  ledgerVerify,
  whatsappConfigure,
  whatsappTemplateStatus,
  emailIdentity,
];
