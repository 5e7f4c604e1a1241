import { describe, expect, it } from "vitest";
import { formatRinggit } from "./money.ts";

describe("formatRinggit", () => {
  it.each([
    [0, "RM0.00"],
    [5, "RM0.05"],
    [50, "RM0.50"],
    [100, "RM1.00"],
    [1234, "RM12.34"],
    [-150, "-RM1.50"],
    [123_456_789, "RM1234567.89"],
  ])("formats %i sen as %s", (sen, text) => {
    expect(formatRinggit(sen)).toBe(text);
  });

  it("stays exact past the safe integer range", () => {
    expect(formatRinggit(9_007_199_254_740_993n)).toBe("RM90071992547409.93");
  });
});
