import {
  MailFromDomainNotVerifiedException,
  MessageRejected,
  SESServiceException,
} from "@aws-sdk/client-ses";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snsTrustFor } from "../src/channels/email-providers.ts";
import { classifySesError, createSesProvider, formatFromAddress } from "../src/channels/ses.ts";
import { parseSesNotification } from "../src/channels/ses-notifications.ts";
import { isTrustedSnsUrl } from "../src/channels/sns-signature.ts";
import { claimSendPermits } from "../src/domain/send-pacing.ts";
import { configFor } from "../src/env.ts";
import { type SesEmulator, startSesEmulator } from "../src/simulators/ses-emulator.ts";
import { startTestPlatform, type TestPlatform } from "./harness.ts";

let emulator: SesEmulator;
let platform: TestPlatform;

beforeAll(async () => {
  emulator = await startSesEmulator("127.0.0.1", 0);
  platform = await startTestPlatform({ SIMULATORS: "false" });
});
afterAll(async () => {
  await emulator.close();
  await platform.close();
});

const metadata = (httpStatusCode: number) => ({ httpStatusCode });

describe("the SES adapter", () => {
  it("sends through the SES API and keeps SES's message id", async () => {
    const ses = createSesProvider({
      endpoint: emulator.url,
      region: "ap-southeast-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      timeoutMs: 5_000,
    });

    const result = await ses.send({
      reference: "5f0c6d38-6a3c-4c2e-9c59-3c1f7f0f0a11",
      from: "news@shop.example.com",
      fromName: "Kedai Ümi",
      to: "reader@example.com",
      subject: "Hello",
      text: "Plain body",
      html: "<p>HTML body</p>",
    });

    expect(result.kind).toBe("accepted");
  });

  it("sorts SES errors into retry-later and give-up", () => {
    const throttled = new SESServiceException({
      name: "Throttling",
      $fault: "client",
      message: "Maximum sending rate exceeded.",
      $metadata: metadata(400),
    });
    const rejected = new MessageRejected({
      message: "Email address is not verified.",
      $metadata: metadata(400),
    });
    const mailFrom = new MailFromDomainNotVerifiedException({
      message: "MAIL FROM domain not verified",
      $metadata: metadata(400),
    });
    const invalid = new SESServiceException({
      name: "InvalidParameterValue",
      $fault: "client",
      message: "Missing final '@domain'",
      $metadata: metadata(400),
    });
    const unavailable = new SESServiceException({
      name: "ServiceUnavailable",
      $fault: "server",
      message: "Service unavailable",
      $metadata: metadata(503),
    });

    expect(classifySesError(throttled).kind).toBe("transient");
    expect(classifySesError(unavailable).kind).toBe("transient");
    expect(classifySesError(new Error("socket hang up")).kind).toBe("transient");
    expect(classifySesError(rejected)).toMatchObject({
      kind: "permanent",
      code: "ses_MessageRejected",
    });
    expect(classifySesError(mailFrom).kind).toBe("permanent");
    expect(classifySesError(invalid).kind).toBe("permanent");
  });

  it("quotes display names and encodes non-ASCII ones", () => {
    expect(formatFromAddress("a@example.com", null)).toBe("a@example.com");
    expect(formatFromAddress("a@example.com", 'Shop "One"')).toBe(
      '"Shop \\"One\\"" <a@example.com>',
    );
    expect(formatFromAddress("a@example.com", "Kedai Ümi")).toMatch(
      /^=\?UTF-8\?B\?.+\?= <a@example\.com>$/,
    );
  });
});

describe("parsing SES notifications", () => {
  it("reads AWS's documented bounce: one report per recipient, extra fields ignored", () => {
    const event = {
      notificationType: "Bounce",
      bounce: {
        bounceType: "Permanent",
        reportingMTA: "dns; email.example.com",
        bouncedRecipients: [
          {
            emailAddress: "jane@example.com",
            status: "5.1.1",
            action: "failed",
            diagnosticCode: "smtp; 550 5.1.1 <jane@example.com>... User",
          },
        ],
        bounceSubType: "General",
        timestamp: "2016-01-27T14:59:38.237Z",
        feedbackId: "00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa068a-000000",
        remoteMtaIp: "127.0.2.0",
      },
      mail: {
        timestamp: "2016-01-27T14:59:38.237Z",
        source: "john@example.com",
        sourceArn: "arn:aws:ses:us-east-1:888888888888:identity/example.com",
        sourceIp: "127.0.3.0",
        sendingAccountId: "123456789012",
        callerIdentity: "IAM_user_or_role_name",
        messageId: "00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000",
        destination: ["jane@example.com", "mary@example.com", "richard@example.com"],
        headersTruncated: false,
      },
    };

    const reports = parseSesNotification({ Type: "Notification", Message: JSON.stringify(event) });

    expect(reports).toEqual([
      expect.objectContaining({
        channel: "email",
        providerMessageId: "00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000",
        recipient: "jane@example.com",
        status: "bounced",
        detail: expect.objectContaining({ bounceType: "Permanent", bounceSubType: "General" }),
      }),
    ]);
  });

  it("ignores what it cannot read", () => {
    expect(parseSesNotification({ Type: "Notification", Message: "not json" })).toEqual([]);
    expect(parseSesNotification({ Type: "Notification", Message: "{}" })).toEqual([]);
    expect(parseSesNotification(null)).toEqual([]);
  });
});

describe("send pacing", () => {
  it("never grants more than the rate in any second, however many claim at once", async () => {
    const claims = await Promise.all(
      Array.from({ length: 40 }, () => claimSendPermits(platform.db, "ses:test", 1, 5)),
    );

    const perWindow = new Map<number, number>();
    for (const claim of claims) {
      perWindow.set(claim.windowStart, (perWindow.get(claim.windowStart) ?? 0) + claim.granted);
    }
    expect([...perWindow.values()].every((granted) => granted <= 5)).toBe(true);
    expect([...perWindow.values()].some((granted) => granted > 0)).toBe(true);
  });
});

describe("which SNS senders are trusted", () => {
  it("trusts the region's SNS host over https and extra hosts only as configured", () => {
    const strict = snsTrustFor(
      configFor({ SNS_TOPIC_ARNS: "arn:aws:sns:ap-southeast-1:123456789012:ses-events" }),
      null,
    );
    const relaxed = snsTrustFor(
      configFor({ SNS_TRUSTED_CERT_HOSTS: "localhost:9999", SNS_ALLOW_LOOPBACK_HTTP: "true" }),
      null,
    );
    const cert = "/SimpleNotificationService-abc.pem";

    expect(isTrustedSnsUrl(`https://sns.ap-southeast-1.amazonaws.com${cert}`, strict)).toBe(true);
    expect(isTrustedSnsUrl(`http://sns.ap-southeast-1.amazonaws.com${cert}`, strict)).toBe(false);
    expect(isTrustedSnsUrl(`https://sns.us-east-1.amazonaws.com${cert}`, strict)).toBe(false);
    expect(
      isTrustedSnsUrl(`https://sns.ap-southeast-1.amazonaws.com.evil.example${cert}`, strict),
    ).toBe(false);
    expect(isTrustedSnsUrl(`https://x@sns.ap-southeast-1.amazonaws.com${cert}`, strict)).toBe(
      false,
    );
    expect(isTrustedSnsUrl(`http://localhost:9999${cert}`, strict)).toBe(false);
    expect(isTrustedSnsUrl(`http://localhost:9999${cert}`, relaxed)).toBe(true);
    expect(isTrustedSnsUrl(`http://localhost:9998${cert}`, relaxed)).toBe(false);
    expect(strict.topicArns.has("arn:aws:sns:ap-southeast-1:123456789012:ses-events")).toBe(true);
  });
});
