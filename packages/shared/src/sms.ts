/** Malaysian commercial SMS must begin with this marker. */
export const smsPrefix = "RM0.00 ";
/** The longest SMS text accepted, as written and once each recipient's values are filled in. */
export const smsContentMaxLength = 2000;

const gsmBasic =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const gsmExtension = "^{}\\[~]|€\f";

const basicSet = new Set(gsmBasic);
const extensionSet = new Set(gsmExtension);

export type SmsEncoding = "GSM-7" | "UCS-2";

export interface SmsSegmentation {
  encoding: SmsEncoding;
  /** Length in the encoding's units: septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
  /** Units still free in the last segment before another is needed. */
  remaining: number;
  perSegment: number;
}

export function detectEncoding(text: string): SmsEncoding {
  for (const char of text) {
    if (!basicSet.has(char) && !extensionSet.has(char)) return "UCS-2";
  }
  return "GSM-7";
}

/** Sizes of each character in the encoding's units; an extension character takes two. */
function unitSizes(text: string, encoding: SmsEncoding): number[] {
  const sizes: number[] = [];
  for (const char of text) {
    if (encoding === "GSM-7") sizes.push(extensionSet.has(char) ? 2 : 1);
    else sizes.push(char.length);
  }
  return sizes;
}

/**
 * Counts segments the way handsets split them: a character (an escaped GSM-7 character
 * or a UTF-16 surrogate pair) is never split across two parts, so a long message can
 * need one more part than plain division suggests.
 */
export function segmentSms(text: string): SmsSegmentation {
  const encoding = detectEncoding(text);
  const single = encoding === "GSM-7" ? 160 : 70;
  const multi = encoding === "GSM-7" ? 153 : 67;
  const sizes = unitSizes(text, encoding);
  const units = sizes.reduce((sum, size) => sum + size, 0);

  if (units <= single) {
    return { encoding, units, segments: 1, remaining: single - units, perSegment: single };
  }

  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > multi) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return { encoding, units, segments, remaining: multi - used, perSegment: multi };
}

/**
 * Builds the text that is actually sent: the `RM0.00 ` marker first (added when the
 * content lacks it), then the client's keyword, then the content.
 */
export function composeSmsText(content: string, keyword?: string | null): string {
  const body = content.startsWith(smsPrefix) ? content.slice(smsPrefix.length) : content;
  return keyword ? `${smsPrefix}${keyword} ${body}` : `${smsPrefix}${body}`;
}

/** Fills `{name}` placeholders from a row; unknown placeholders are left as written. */
export function fillPlaceholders(template: string, values: Record<string, string>): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? (values[name] as string) : whole,
  );
}

export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((match) => match[1] as string);
}

export interface ComplianceWarning {
  code: "contains_url" | "contains_phone_number" | "missing_brand";
  message: string;
}

/** Content patterns that carriers and the regulator look at twice. */
export function complianceWarnings(text: string, brand?: string | null): ComplianceWarning[] {
  const warnings: ComplianceWarning[] = [];
  if (/(https?:\/\/|www\.)\S+/i.test(text)) {
    warnings.push({ code: "contains_url", message: "Links in SMS are often filtered by carriers" });
  }
  if (/(\+?6?01\d[\s-]?\d{3,4}[\s-]?\d{4})/.test(text)) {
    warnings.push({
      code: "contains_phone_number",
      message: "Phone numbers in content may be flagged as spam",
    });
  }
  if (brand && !text.toLowerCase().includes(brand.toLowerCase())) {
    warnings.push({
      code: "missing_brand",
      message: "Commercial SMS should name the sender's brand",
    });
  }
  return warnings;
}
