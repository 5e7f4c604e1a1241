import { z } from "zod";
import {
  broadcastType,
  campaignName,
  checkBroadcastShape,
  maxRecipientsCeiling,
  recipientRow,
  scheduledAt,
} from "./common.ts";

const parameterValue = z.string().max(1024);
const mediaUrl = z.url({ protocol: /^https?$/ }).max(2048);

/**
 * Template values in both shapes integrations send: positional arrays (`{{1}}`, `{{2}}`)
 * with an optional header media link, or named parameters (`{{first_name}}`).
 */
export const whatsappVariables = z.strictObject({
  header: z.array(parameterValue).max(10).optional(),
  body: z.array(parameterValue).max(100).optional(),
  button: z.array(parameterValue).max(10).optional(),
  headerImage: mediaUrl.optional(),
  headerVideo: mediaUrl.optional(),
  headerDocument: mediaUrl.optional(),
  templateParams: z.record(z.string().min(1).max(64), parameterValue).optional(),
});
export type WhatsappVariables = z.infer<typeof whatsappVariables>;

export const sendWhatsappBody = z
  .object({
    campaignName,
    type: broadcastType,
    scheduledAt,
    templateName: z.string().min(1).max(512),
    variables: whatsappVariables.optional(),
    recipients: z.array(z.string().max(64)).max(maxRecipientsCeiling).optional(),
    recipientVariables: z.array(recipientRow("phone")).max(maxRecipientsCeiling).optional(),
  })
  .superRefine((body, context) => checkBroadcastShape(body, context));
export type SendWhatsappBody = z.infer<typeof sendWhatsappBody>;

export const whatsappTestBody = z.object({
  templateName: z.string().min(1).max(512),
  to: z.string().regex(/^\+?[1-9]\d{6,14}$/, "Must be an international phone number"),
  variables: whatsappVariables.optional(),
});
export type WhatsappTestBody = z.infer<typeof whatsappTestBody>;

const componentText = (max: number) => z.string().min(1).max(max);

export const whatsappTemplateComponent = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("HEADER"),
    format: z.enum(["TEXT", "IMAGE", "VIDEO", "DOCUMENT"]),
    text: componentText(60).optional(),
  }),
  z.strictObject({ type: z.literal("BODY"), text: componentText(1024) }),
  z.strictObject({ type: z.literal("FOOTER"), text: componentText(60) }),
  z.strictObject({
    type: z.literal("BUTTONS"),
    buttons: z
      .array(
        z.strictObject({
          type: z.enum(["QUICK_REPLY", "URL", "PHONE_NUMBER", "COPY_CODE"]),
          text: componentText(25),
          url: z.string().max(2000).optional(),
          phone_number: z.string().max(20).optional(),
        }),
      )
      .min(1)
      .max(10),
  }),
]);
export type WhatsappTemplateComponent = z.infer<typeof whatsappTemplateComponent>;

/** A WhatsApp template as registered with Meta: the parts the send payload must fill. */
export const whatsappTemplateDefinition = z.object({
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, "Lowercase letters, digits and underscores"),
  language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, "A language code such as en or en_US"),
  category: z.enum(["MARKETING", "UTILITY", "AUTHENTICATION"]),
  components: z
    .array(whatsappTemplateComponent)
    .min(1)
    .max(4)
    .refine(
      (components) => components.filter((c) => c.type === "BODY").length === 1,
      "A template has exactly one BODY component",
    ),
});
export type WhatsappTemplateDefinition = z.infer<typeof whatsappTemplateDefinition>;
