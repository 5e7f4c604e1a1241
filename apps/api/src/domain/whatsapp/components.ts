import type { FieldError, WhatsappTemplateComponent, WhatsappVariables } from "@teekrr/shared";

/** One parameter of Meta's send payload. Named templates tag text with `parameter_name`. */
export type MetaParameter =
  | { type: "text"; text: string; parameter_name?: string }
  | { type: "image"; image: { link: string } }
  | { type: "video"; video: { link: string } }
  | { type: "document"; document: { link: string } };

export type MetaComponent =
  | { type: "header" | "body"; parameters: MetaParameter[] }
  | { type: "button"; sub_type: "url"; index: string; parameters: MetaParameter[] };

export type HeaderFormat = "TEXT" | "IMAGE" | "VIDEO" | "DOCUMENT";

/** What a template asks the sender to fill, read once from its stored components. */
export interface TemplateShape {
  named: boolean;
  headerFormat: HeaderFormat | null;
  headerText: string;
  headerParams: string[];
  bodyText: string;
  bodyParams: string[];
  /** Positions of URL buttons whose link has a `{{1}}` suffix to fill. */
  urlButtons: number[];
}

const placeholder = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(placeholder)].map((match) => match[1] as string))];
}

export function describeTemplate(components: WhatsappTemplateComponent[]): TemplateShape {
  const header = components.find((c) => c.type === "HEADER");
  const body = components.find((c) => c.type === "BODY");
  const buttons = components.find((c) => c.type === "BUTTONS");
  const headerText = header?.format === "TEXT" ? (header.text ?? "") : "";
  const bodyText = body?.text ?? "";
  const names = [...placeholdersOf(headerText), ...placeholdersOf(bodyText)];
  const named = names.some((name) => !/^\d+$/.test(name));
  const order = (list: string[]) => (named ? list : [...list].sort((a, b) => +a - +b));
  return {
    named,
    headerFormat: header?.format ?? null,
    headerText,
    headerParams: order(placeholdersOf(headerText)),
    bodyText,
    bodyParams: order(placeholdersOf(bodyText)),
    urlButtons: (buttons?.buttons ?? []).flatMap((button, index) =>
      button.type === "URL" && placeholdersOf(button.url ?? "").length > 0 ? [index] : [],
    ),
  };
}

/**
 * Per-recipient values from a `recipientVariables` row. Named templates use the
 * parameter names; positional ones use `body.2`, `header.1`, `button.1`, or a bare
 * position for the body. Media links use `headerImage`, `headerVideo`, `headerDocument`.
 */
export type RowValues = Record<string, string>;

export interface BuiltMessage {
  components: MetaComponent[];
  /** The body with its values filled in, for people reading the message later. */
  bodyText: string;
}

const mediaKeys = {
  IMAGE: "headerImage",
  VIDEO: "headerVideo",
  DOCUMENT: "headerDocument",
} as const;

/**
 * Fills a template's parameters from the request's variables and a recipient's row.
 * Every missing value is reported with its field, so a request is refused whole rather
 * than sent with holes Meta would reject message by message.
 */
export function buildComponents(
  shape: TemplateShape,
  variables: WhatsappVariables,
  row: { index: number; values: RowValues } | null,
): BuiltMessage | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const values = row?.values ?? {};
  const fieldOf = (shared: string, rowKey: string) =>
    row && Object.keys(row.values).length > 0
      ? `recipientVariables.${row.index}.${rowKey}`
      : `variables.${shared}`;

  const pick = (part: "header" | "body", key: string): string | undefined => {
    if (shape.named) return values[key] ?? variables.templateParams?.[key];
    const position = Number(key);
    return (
      values[`${part}.${key}`] ??
      (part === "body" ? values[key] : undefined) ??
      variables[part]?.[position - 1]
    );
  };

  const textParameters = (part: "header" | "body", keys: string[]) =>
    keys.map((key): MetaParameter => {
      const text = pick(part, key);
      if (!text) {
        errors.push({
          field: shape.named
            ? fieldOf(`templateParams.${key}`, key)
            : fieldOf(part, `${part}.${key}`),
          message: `A value for {{${key}}} in the template ${part} is required`,
        });
      }
      return shape.named
        ? { type: "text", parameter_name: key, text: text ?? "" }
        : { type: "text", text: text ?? "" };
    });

  const components: MetaComponent[] = [];
  if (shape.headerFormat && shape.headerFormat !== "TEXT") {
    const key = mediaKeys[shape.headerFormat];
    const link = values[key] ?? variables[key];
    if (!link || !/^https?:\/\//.test(link)) {
      errors.push({ field: fieldOf(key, key), message: `The template header needs ${key}` });
    }
    const kind = shape.headerFormat.toLowerCase() as "image" | "video" | "document";
    const media = { type: kind, [kind]: { link: link ?? "" } } as MetaParameter;
    components.push({ type: "header", parameters: [media] });
  } else if (shape.headerParams.length > 0) {
    components.push({ type: "header", parameters: textParameters("header", shape.headerParams) });
  }

  const bodyParameters = textParameters("body", shape.bodyParams);
  if (bodyParameters.length > 0) components.push({ type: "body", parameters: bodyParameters });

  shape.urlButtons.forEach((buttonIndex, order) => {
    const text = values[`button.${order + 1}`] ?? variables.button?.[order];
    if (!text) {
      errors.push({
        field: fieldOf("button", `button.${order + 1}`),
        message: `A value for URL button ${order + 1} is required`,
      });
    }
    components.push({
      type: "button",
      sub_type: "url",
      index: String(buttonIndex),
      parameters: [{ type: "text", text: text ?? "" }],
    });
  });

  if (errors.length > 0) return { errors };
  const bodyText = shape.bodyText.replace(placeholder, (_match, key: string) => {
    const parameter = bodyParameters[shape.bodyParams.indexOf(key)];
    return parameter?.type === "text" ? parameter.text : "";
  });
  return { components, bodyText };
}
