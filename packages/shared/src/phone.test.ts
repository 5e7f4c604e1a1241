import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { describe, expect, it } from "vitest";
import { maskPhone, normalisePhone } from "./phone.ts";

describe("normalisePhone", () => {
  it.each([
    "012-345 6789",
    "0123456789",
    "60123456789",
    "+60123456789",
    "+60 12-345 6789",
    "(012) 345-6789",
    " 012 345 6789 ",
    "012.345.6789",
    "0060123456789",
  ])("turns %j into E.164", (input) => {
    expect(normalisePhone(input)).toEqual({ ok: true, e164: "+60123456789" });
  });

  it("keeps the eleven-digit 011 numbers whole", () => {
    for (const input of ["011-1234 5678", "601112345678", "+601112345678"]) {
      expect(normalisePhone(input)).toEqual({ ok: true, e164: "+601112345678" });
    }
  });

  it("accepts a Malaysian fixed line through the full parse", () => {
    expect(normalisePhone("03-2123 4567")).toEqual({ ok: true, e164: "+60321234567" });
  });

  it.each([
    ["abc", "Phone number must contain only digits"],
    ["012-345 678x", "Phone number must contain only digits"],
    ["", "Invalid phone number"],
    ["0123", "Invalid phone number"],
    ["012345678901234", "Invalid phone number"],
    ["6012345678", "Invalid phone number"],
    ["+6512345678", "Invalid phone number"],
    ["1".repeat(40), "Phone number is too long"],
  ])("refuses %j", (input, message) => {
    expect(normalisePhone(input)).toEqual({ ok: false, message });
  });

  it("refuses other countries for SMS and accepts them when asked to", () => {
    for (const input of ["+14155552671", "+447911123456"]) {
      expect(normalisePhone(input)).toEqual({
        ok: false,
        message: "Only Malaysian phone numbers are supported",
      });
      expect(normalisePhone(input, false)).toEqual({ ok: true, e164: input });
    }
  });

  it("agrees with a full libphonenumber parse on a sample of numbers", () => {
    // A fixed-seed generator keeps the sample the same on every run.
    let seed = 20240601;
    const random = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % below;
    };
    const digits = (count: number) =>
      Array.from({ length: count }, () => String(random(10))).join("");

    for (let i = 0; i < 3000; i++) {
      const national = `1${digits(8 + random(3))}`;
      const forms = [`0${national}`, `60${national}`, `+60${national}`];
      const input = forms[random(forms.length)] as string;

      const reference = input.startsWith("0")
        ? parsePhoneNumberFromString(input, "MY")
        : parsePhoneNumberFromString(input.startsWith("+") ? input : `+${input}`);
      const expected = reference?.isValid() && reference.country === "MY" ? reference.number : null;

      const result = normalisePhone(input);
      expect(result.ok ? result.e164 : null, input).toBe(expected);
    }
  });
});

describe("maskPhone", () => {
  it("keeps only the country code and the last three digits", () => {
    expect(maskPhone("+60123456789")).toBe("+601***789");
    expect(maskPhone("+6012")).toBe("***");
  });
});
