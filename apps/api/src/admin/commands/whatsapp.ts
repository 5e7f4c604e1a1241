import { cliActor } from "../../domain/audit.ts";
import { createSecretBox } from "../../domain/encryption.ts";
import { configureWhatsApp } from "../../domain/whatsapp/config.ts";
import {
  createWhatsAppTemplate,
  setWhatsAppTemplateStatus,
  type TemplateStatus,
} from "../../domain/whatsapp/templates.ts";
import { loadConfig } from "../../env.ts";
import {
  type AdminCommand,
  type CommandContext,
  optionalFlag,
  requireFlag,
  UsageError,
  uuidFlag,
} from "../command.ts";

const statuses = ["approved", "pending", "rejected"] as const;

function statusFlag(context: CommandContext, fallback: TemplateStatus | null): TemplateStatus {
  const status = optionalFlag(context.flags, "status") ?? fallback;
  if (!statuses.includes(status as TemplateStatus)) {
    throw new UsageError("--status must be approved, pending or rejected");
  }
  return status as TemplateStatus;
}

export const whatsappConfigure: AdminCommand = {
  name: "whatsapp:configure",
  usage:
    "--client ID [--phone-number-id P --access-token T] [--app-secret S] [--verify-token V] " +
    "[--use-platform-default] [--inactive]",
  run: async ({ db, flags }) => {
    const box = createSecretBox(loadConfig().ENCRYPTION_KEY);
    const view = await configureWhatsApp(db, box, cliActor, {
      clientId: uuidFlag(flags, "client"),
      ...(flags["phone-number-id"] !== undefined
        ? { phoneNumberId: requireFlag(flags, "phone-number-id") }
        : {}),
      ...(flags["access-token"] !== undefined
        ? { accessToken: requireFlag(flags, "access-token") }
        : {}),
      ...(flags["app-secret"] !== undefined ? { appSecret: requireFlag(flags, "app-secret") } : {}),
      ...(flags["verify-token"] !== undefined
        ? { verifyToken: requireFlag(flags, "verify-token") }
        : {}),
      usePlatformDefault: flags["use-platform-default"] === true,
      active: flags.inactive !== true,
    });
    return view;
  },
};

/** `template:create --channel whatsapp`: a template with Meta's components. */
export async function createWhatsAppTemplateCommand(context: CommandContext) {
  const { db, flags } = context;
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
    status: statusFlag(context, "pending"),
  });
  return {
    id: template.id,
    channel: template.channel,
    name: template.name,
    status: template.status,
  };
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
      statusFlag(context, null),
    );
    return { id: template?.id, name: template?.name, status: template?.status };
  },
};
