import { cliActor } from "../../domain/audit.ts";
import { setEmailSender } from "../../domain/email/senders.ts";
import { createEmailTemplate } from "../../domain/email/templates.ts";
import {
  type AdminCommand,
  type CommandContext,
  createdTemplate,
  optionalFlag,
  requireFlag,
  switchFlag,
  templateStatusFlag,
  UsageError,
  uuidFlag,
} from "../command.ts";

/** `template:create --channel email`: a subject plus an HTML and/or a text body. */
export async function createEmailTemplateCommand({ db, flags }: CommandContext) {
  const status = templateStatusFlag(flags, "pending");
  const html = optionalFlag(flags, "html") ?? "";
  const text = optionalFlag(flags, "text") ?? optionalFlag(flags, "content") ?? "";
  if (!html && !text) throw new UsageError("--html or --text is required");
  const template = await createEmailTemplate(db, cliActor, {
    clientId: uuidFlag(flags, "client"),
    name: requireFlag(flags, "name"),
    subject: requireFlag(flags, "subject"),
    html,
    text,
    status,
  });
  return createdTemplate(template);
}

export const emailIdentity: AdminCommand = {
  name: "email:identity",
  usage: "--client ID --from ADDRESS [--name NAME] [--unverified]",
  run: async ({ db, flags }) => {
    const sender = await setEmailSender(db, cliActor, {
      clientId: uuidFlag(flags, "client"),
      fromAddress: requireFlag(flags, "from"),
      displayName: optionalFlag(flags, "name") ?? null,
      // Staff register an identity once SES has verified it; `--unverified` records one
      // still waiting, which broadcasts do not use.
      verified: !switchFlag(flags, "unverified"),
    });
    return {
      clientId: sender.clientId,
      from: sender.fromAddress,
      name: sender.displayName,
      verified: sender.verified,
    };
  },
};
