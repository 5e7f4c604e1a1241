import { type Channel, normalisePhone, type RecipientValidation } from "@teekrr/shared";
import { normaliseEmail } from "../recipients.ts";

/**
 * Checks each row the way a broadcast would, without writing anything: the normalised
 * address of every valid row, and a code and message for every invalid or repeated one.
 */
export function validateRecipients(channel: Channel, recipients: string[]): RecipientValidation {
  const seen = new Map<string, number>();
  const valid: RecipientValidation["valid"] = [];
  const invalid: RecipientValidation["invalid"] = [];

  recipients.forEach((value, row) => {
    let address: string | null = null;
    if (channel === "email") {
      address = normaliseEmail(value);
      if (!address) {
        invalid.push({ row, value, code: "invalid_email", message: "Invalid email address" });
        return;
      }
    } else {
      const result = normalisePhone(value, channel === "sms");
      if (!result.ok) {
        invalid.push({ row, value, code: "invalid_phone", message: result.message });
        return;
      }
      address = result.e164;
    }
    const first = seen.get(address);
    if (first !== undefined) {
      invalid.push({
        row,
        value,
        code: "duplicate",
        message: `Same recipient as row ${first}; it is sent once`,
      });
      return;
    }
    seen.set(address, row);
    valid.push({ row, value: address });
  });

  return {
    summary: { total: recipients.length, valid: valid.length, invalid: invalid.length },
    valid,
    invalid,
  };
}
