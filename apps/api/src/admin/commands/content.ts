import { type Channel, channels } from "@teekrr/shared";
import { cliActor } from "../../domain/audit.ts";
import { createKeyword, createTemplate } from "../../domain/templates.ts";
import {
  type AdminCommand,
  createdTemplate,
  requireFlag,
  templateStatusFlag,
  UsageError,
  uuidFlag,
} from "../command.ts";
import { createEmailTemplateCommand } from "./email.ts";
import { createWhatsAppTemplateCommand } from "./whatsapp.ts";

export const templateCreate: AdminCommand = {
  name: "template:create",
  usage:
    "--client ID --channel sms --name N --content TEXT [--status approved|pending], or " +
    "--channel email --subject S --html H --text T, or " +
    "--channel whatsapp --language en --category MARKETING --components JSON",
  run: async ({ db, flags }) => {
    const channel = requireFlag(flags, "channel");
    if (channel === "whatsapp") return await createWhatsAppTemplateCommand({ db, flags });
    if (channel === "email") return await createEmailTemplateCommand({ db, flags });
    if (!channels.includes(channel as Channel))
      throw new UsageError("--channel must be sms, whatsapp or email");
    const status = templateStatusFlag(flags, "pending");
    const template = await createTemplate(db, cliActor, {
      clientId: uuidFlag(flags, "client"),
      channel: channel as Channel,
      name: requireFlag(flags, "name"),
      content: requireFlag(flags, "content"),
      status,
    });
    return createdTemplate(template);
  },
};

export const keywordCreate: AdminCommand = {
  name: "keyword:create",
  usage: "--client ID --keyword K",
  run: async ({ db, flags }) => {
    const keyword = await createKeyword(
      db,
      cliActor,
      uuidFlag(flags, "client"),
      requireFlag(flags, "keyword"),
    );
    return { id: keyword.id, keyword: keyword.keyword, status: keyword.status };
  },
};
