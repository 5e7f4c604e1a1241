import { type FieldError, normalisePhone } from "@teekrr/shared";

export interface Recipient {
  /** Index in the request, for error messages and reports. */
  row: number;
  address: string;
  values: Record<string, string>;
}

export interface RecipientList {
  recipients: Recipient[];
  duplicates: number;
  errors: FieldError[];
}

type RawRecipients =
  | { kind: "list"; items: string[] }
  | { kind: "rows"; items: Record<string, string>[]; addressField: "phone" | "email" };

const emailPattern = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;

export function normaliseEmail(input: string): string | null {
  const trimmed = input.trim().toLowerCase();
  return trimmed.length <= 254 && emailPattern.test(trimmed) ? trimmed : null;
}

/**
 * Normalises every address, reports each invalid one by its index, and keeps the first of
 * any duplicates so a recipient is never messaged (or charged) twice by one request.
 */
export function prepareRecipients(
  raw: RawRecipients,
  channel: "sms" | "whatsapp" | "email",
): RecipientList {
  const field = raw.kind === "list" ? "recipients" : "recipientVariables";
  const seen = new Set<string>();
  const recipients: Recipient[] = [];
  const errors: FieldError[] = [];
  let duplicates = 0;

  const addressField = raw.kind === "rows" ? raw.addressField : null;

  raw.items.forEach((item, row) => {
    const input = typeof item === "string" ? item : (item[addressField ?? "phone"] ?? "");
    const path = addressField ? `${field}.${row}.${addressField}` : `${field}.${row}`;
    let address: string | null;
    if (channel === "email") {
      address = normaliseEmail(input);
      if (!address) errors.push({ field: path, message: "Invalid email address" });
    } else {
      const result = normalisePhone(input, channel === "sms");
      address = result.ok ? result.e164 : null;
      if (!result.ok) errors.push({ field: path, message: result.message });
    }
    if (!address) return;
    if (seen.has(address)) {
      duplicates += 1;
      return;
    }
    seen.add(address);
    const values = typeof item === "string" || !addressField ? {} : valuesOf(item, addressField);
    recipients.push({ row, address, values });
  });

  return { recipients, duplicates, errors };
}

function valuesOf(item: Record<string, string>, addressField: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name !== addressField) values[name] = value;
  }
  return values;
}
