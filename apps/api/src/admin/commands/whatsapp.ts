import { cliActor } from "../../domain/audit.ts";
import { createSecretBox } from "../../domain/encryption.ts";
import { configureWhatsApp } from "../../domain/whatsapp/config.ts";
import {
  createWhatsAppTemplate,
  setWhatsAppTemplateStatus,
} from "../../domain/whatsapp/templates.ts";
import { loadConfig } from "../../env.ts";
import {
  type AdminCommand,
  type CommandContext,
  createdTemplate,
  givenFlags,
  requireFlag,
  switchFlag,
  templateStatusFlag,
  UsageError,
  uuidFlag,
} from "../command.ts";

export const whatsappConfigure: AdminCommand = {
  name: "whatsapp:configure",
  usage:
    "--client ID [--phone-number-id P --access-token T] [--app-secret S] [--verify-token V] " +
    "[--use-platform-default] [--inactive]",
  run: async ({ db, flags }) => {
    const box = createSecretBox(loadConfig().ENCRYPTION_KEY);
    const view = await configureWhatsApp(db, box, cliActor, {
      clientId: uuidFlag(flags, "client"),
      ...givenFlags(flags, {
        phoneNumberId: "phone-number-id",
        accessToken: "access-token",
        appSecret: "app-secret",
        verifyToken: "verify-token",
      }),
      usePlatformDefault: switchFlag(flags, "use-platform-default"),
      active: !switchFlag(flags, "inactive"),
    });
    return view;
  },
};

/** `template:create --channel whatsapp`: a template with Meta's components. */
export async function createWhatsAppTemplateCommand({ db, flags }: CommandContext) {
  let components: unknown;
  try {
    components = JSON.parse(requireFlag(flags, "components"));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError("--components must be a JSON array of template components");
  }
  const template = await createWhatsAppTemplate(db, cliActor, {
    clientId: uuidFlag(flags, "client"),
    name: requireFlag(flags, "name"),
    language: requireFlag(flags, "language"),
    category: requireFlag(flags, "category").toUpperCase(),
    components,
    status: templateStatusFlag(flags, "pending"),
  });
  return createdTemplate(template);
}

export const whatsappTemplateStatus: AdminCommand = {
  name: "whatsapp:template-status",
  usage: "--client ID --template ID --status approved|pending|rejected",
  run: async (context) => {
    const template = await setWhatsAppTemplateStatus(
      context.db,
      cliActor,
      uuidFlag(context.flags, "client"),
      uuidFlag(context.flags, "template"),
      templateStatusFlag(context.flags, null),
    );
    return { id: template?.id, name: template?.name, status: template?.status };
  },
};
