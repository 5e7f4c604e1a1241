import { describe, expect, it } from "vitest";
import {
  complianceWarnings,
  composeSmsText,
  detectEncoding,
  fillPlaceholders,
  placeholdersOf,
  segmentSms,
  smsPrefix,
} from "./sms.ts";

describe("segmentSms with GSM-7", () => {
  it.each([
    [1, 1],
    [160, 1],
    [161, 2],
    [306, 2],
    [307, 3],
    [459, 3],
    [460, 4],
  ])("%i characters take %i segment(s)", (length, segments) => {
    const result = segmentSms("a".repeat(length));
    expect(result).toMatchObject({ encoding: "GSM-7", units: length, segments });
  });

  it("counts an extension character as two septets", () => {
    expect(segmentSms("€".repeat(80))).toMatchObject({ units: 160, segments: 1 });
    expect(segmentSms(`${"a".repeat(159)}€`)).toMatchObject({ units: 161, segments: 2 });
    expect(segmentSms("^{}\\[~]|").units).toBe(16);
  });

  it("never splits an escaped character across two parts", () => {
    // 306 septets divide into two parts of 153, but the euro sign straddles the boundary.
    const text = `${"a".repeat(152)}€${"a".repeat(152)}`;
    expect(segmentSms(text)).toMatchObject({ units: 306, segments: 3 });
  });

  it("reports what is left in the last part", () => {
    expect(segmentSms("a".repeat(150))).toMatchObject({ remaining: 10, perSegment: 160 });
    expect(segmentSms("a".repeat(200))).toMatchObject({ remaining: 106, perSegment: 153 });
  });

  it("keeps accented letters of the GSM alphabet in GSM-7", () => {
    expect(detectEncoding("Café à Ñoño, £5 @ §1 ¿?")).toBe("GSM-7");
    expect(detectEncoding("line\nbreak")).toBe("GSM-7");
  });
});

describe("segmentSms with UCS-2", () => {
  it.each([
    [70, 1],
    [71, 2],
    [134, 2],
    [135, 3],
  ])("%i characters take %i segment(s)", (length, segments) => {
    const result = segmentSms("中".repeat(length));
    expect(result).toMatchObject({ encoding: "UCS-2", units: length, segments });
  });

  it("switches the whole message to UCS-2 for one character outside GSM-7", () => {
    expect(segmentSms(`${"a".repeat(100)}ç`)).toMatchObject({ encoding: "UCS-2", segments: 2 });
  });

  it("counts an emoji as two units and never splits it", () => {
    expect(segmentSms("😀")).toMatchObject({ encoding: "UCS-2", units: 2, segments: 1 });
    expect(segmentSms("😀".repeat(35))).toMatchObject({ units: 70, segments: 1 });
    const text = `${"中".repeat(66)}😀${"中".repeat(66)}`;
    expect(segmentSms(text)).toMatchObject({ units: 134, segments: 3 });
  });
});

describe("composeSmsText", () => {
  it("adds the prefix when it is missing", () => {
    expect(composeSmsText("Hello")).toBe("RM0.00 Hello");
  });

  it("adds the prefix only once", () => {
    expect(composeSmsText("RM0.00 Hello")).toBe("RM0.00 Hello");
    expect(composeSmsText(composeSmsText("Hello"))).toBe("RM0.00 Hello");
  });

  it("puts the keyword after the prefix", () => {
    expect(composeSmsText("Hello", "SHOP")).toBe("RM0.00 SHOP Hello");
    expect(composeSmsText("RM0.00 Hello", "SHOP")).toBe("RM0.00 SHOP Hello");
    expect(composeSmsText("Hello", null)).toBe("RM0.00 Hello");
  });

  it("makes the prefix count in segments", () => {
    const body = "a".repeat(160 - smsPrefix.length);
    expect(segmentSms(composeSmsText(body)).segments).toBe(1);
    expect(segmentSms(composeSmsText(`${body}a`)).segments).toBe(2);
  });
});

describe("placeholders", () => {
  it("fills known names and leaves unknown ones as written", () => {
    expect(fillPlaceholders("Hi {name}, {code}", { name: "Aina" })).toBe("Hi Aina, {code}");
    expect(placeholdersOf("Hi {name}, {code} {1x}")).toEqual(["name", "code"]);
  });
});

describe("complianceWarnings", () => {
  it("flags links, phone numbers and a missing brand", () => {
    const codes = complianceWarnings("Visit https://x.my or call 012-345 6789", "Acme").map(
      (warning) => warning.code,
    );
    expect(codes).toEqual(["contains_url", "contains_phone_number", "missing_brand"]);
    expect(complianceWarnings("Acme: sale today", "acme")).toEqual([]);
  });
});
