/** One value a WhatsApp template asks for, under the key a recipient row would carry it. */
export interface TemplateParameter {
  key: string;
  label: string;
  part: "header" | "body" | "button";
  position: number;
}

/** Where a parameter's value comes from: typed once for everyone, or a CSV column per row. */
export type Binding = { kind: "value"; value: string } | { kind: "column"; column: string };

export interface WhatsAppTemplateView {
  name: string;
  named: boolean;
  headerFormat: "TEXT" | "IMAGE" | "VIDEO" | "DOCUMENT" | null;
  headerParams: string[];
  bodyParams: string[];
  urlButtons: number;
}

/**
 * The parameters of a template, keyed as `recipientVariables` rows name them: by name for
 * named templates, `header.1`, `body.2`, `button.1` for positional ones.
 */
export function parametersOf(template: WhatsAppTemplateView): TemplateParameter[] {
  const text = (part: "header" | "body", names: string[]) =>
    names.map((name, index) => ({
      key: template.named ? name : `${part}.${name}`,
      label: `${part === "header" ? "Header" : "Body"} {{${name}}}`,
      part,
      position: template.named ? index + 1 : Number(name),
    }));
  const buttons = Array.from({ length: template.urlButtons }, (_, index) => ({
    key: `button.${index + 1}`,
    label: `URL button ${index + 1} suffix`,
    part: "button" as const,
    position: index + 1,
  }));
  return [
    ...text("header", template.headerParams),
    ...text("body", template.bodyParams),
    ...buttons,
  ];
}

export const mediaKeys = {
  IMAGE: "headerImage",
  VIDEO: "headerVideo",
  DOCUMENT: "headerDocument",
} as const;

export function mediaKeyOf(template: WhatsAppTemplateView) {
  const format = template.headerFormat;
  return format && format !== "TEXT" ? mediaKeys[format] : null;
}

type Variables = {
  header?: string[];
  body?: string[];
  button?: string[];
  templateParams?: Record<string, string>;
  headerImage?: string;
  headerVideo?: string;
  headerDocument?: string;
};

function boundValue(binding: Binding | undefined, row: Record<string, string> | undefined): string {
  if (!binding) return "";
  return binding.kind === "value" ? binding.value : (row?.[binding.column] ?? "");
}

/** Values shared by every recipient, in the form the REST body takes them. */
export function sharedVariables(
  template: WhatsAppTemplateView,
  bindings: Record<string, Binding>,
  mediaUrl: string,
  sampleRow?: Record<string, string>,
): Variables {
  const variables: Variables = {};
  const mediaKey = mediaKeyOf(template);
  if (mediaKey && mediaUrl.trim()) variables[mediaKey] = mediaUrl.trim();
  for (const parameter of parametersOf(template)) {
    const value = boundValue(bindings[parameter.key], sampleRow);
    if (template.named) {
      variables.templateParams = { ...variables.templateParams, [parameter.key]: value };
    } else {
      const list = [...(variables[parameter.part] ?? [])];
      list[parameter.position - 1] = value;
      variables[parameter.part] = Array.from(list, (item) => item ?? "");
    }
  }
  return variables;
}

export function usesColumns(bindings: Record<string, Binding>): boolean {
  return Object.values(bindings).some((binding) => binding.kind === "column");
}

/** Each recipient's own row: its number plus every parameter, typed or from its columns. */
export function recipientRows(
  template: WhatsAppTemplateView,
  bindings: Record<string, Binding>,
  rows: Record<string, string>[],
): Record<string, string>[] {
  const parameters = parametersOf(template);
  return rows.map((row) => {
    const own: Record<string, string> = { phone: row.phone ?? "" };
    for (const parameter of parameters) {
      own[parameter.key] = boundValue(bindings[parameter.key], row);
    }
    return own;
  });
}
