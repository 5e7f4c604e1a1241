import { describe, expect, it } from "vitest";
import { lifecycles, type MessageStatus, predecessorsOf, statusRank } from "./channels.ts";

describe("predecessorsOf", () => {
  it("moves an SMS only forward", () => {
    expect(predecessorsOf("sms", "enqueued")).toEqual(["pending"]);
    expect(predecessorsOf("sms", "send")).toEqual(["pending", "enqueued"]);
    expect(predecessorsOf("sms", "delivered")).toEqual(["pending", "enqueued", "send"]);
    expect(predecessorsOf("sms", "failed")).toEqual(["pending", "enqueued", "send"]);
    expect(predecessorsOf("sms", "pending")).toEqual([]);
  });

  it("never turns a delivered SMS into a failed one, nor the reverse", () => {
    expect(predecessorsOf("sms", "failed")).not.toContain("delivered");
    expect(predecessorsOf("sms", "delivered")).not.toContain("failed");
  });

  it("refuses statuses outside the channel's lifecycle", () => {
    expect(predecessorsOf("sms", "sent")).toEqual([]);
    expect(predecessorsOf("sms", "read")).toEqual([]);
    expect(predecessorsOf("sms", "bounced")).toEqual([]);
    expect(predecessorsOf("whatsapp", "send")).toEqual([]);
  });

  it("lets WhatsApp `read` follow `delivered` but not the other way round", () => {
    expect(predecessorsOf("whatsapp", "read")).toEqual([
      "pending",
      "enqueued",
      "sent",
      "delivered",
    ]);
    expect(predecessorsOf("whatsapp", "delivered")).not.toContain("read");
    expect(predecessorsOf("whatsapp", "failed")).not.toContain("read");
  });

  it("lets an email bounce after a delivery or a failure", () => {
    expect(predecessorsOf("email", "bounced")).toEqual([
      "pending",
      "enqueued",
      "send",
      "delivered",
      "failed",
    ]);
  });

  it("agrees with the ranks: every predecessor ranks strictly lower", () => {
    for (const [channel, lifecycle] of Object.entries(lifecycles)) {
      for (const to of lifecycle) {
        for (const from of predecessorsOf(channel as keyof typeof lifecycles, to)) {
          expect(statusRank[from as MessageStatus]).toBeLessThan(statusRank[to]);
        }
      }
    }
  });
});
