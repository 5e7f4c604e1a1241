import { randomBytes, randomUUID } from "node:crypto";

/** A sent email as the SES emulator lists it at `GET /store`. */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc?: string[]; bcc?: string[] };
  subject: string;
  at: number;
}

export function bareAddress(address: string): string {
  const match = /<([^>]+)>/.exec(address);
  return (match?.[1] ?? address).trim().toLowerCase();
}

function domainOf(address: string): string {
  return bareAddress(address).split("@")[1] ?? "";
}

export function mailboxOf(address: string): string {
  return (bareAddress(address).split("@")[0] ?? "").split("+")[0] ?? "";
}

function mailObject(email: StoredEmail, recipients: string[]) {
  return {
    timestamp: new Date(email.at * 1000).toISOString(),
    source: bareAddress(email.from),
    sourceArn: `arn:aws:ses:ap-southeast-1:000000000000:identity/${domainOf(email.from)}`,
    sourceIp: "127.0.0.1",
    sendingAccountId: "000000000000",
    callerIdentity: "teekrr-simulator",
    messageId: email.messageId,
    destination: recipients,
    headersTruncated: false,
    headers: [
      { name: "From", value: email.from },
      { name: "To", value: recipients.join(", ") },
      { name: "Subject", value: email.subject },
    ],
    commonHeaders: { from: [email.from], to: recipients, subject: email.subject },
  };
}

function feedbackId(): string {
  return `${randomBytes(8).toString("hex")}-${randomUUID()}-000000`;
}

/** SES event bodies shaped as AWS documents them. */
export const sesEvents = {
  delivery(email: StoredEmail, recipients: string[]) {
    return {
      notificationType: "Delivery",
      mail: mailObject(email, recipients),
      delivery: {
        timestamp: new Date().toISOString(),
        processingTimeMillis: 546,
        recipients,
        smtpResponse: "250 ok:  Message 64111812 accepted",
        remoteMtaIp: "127.0.2.0",
        reportingMTA: "a8-70.smtp-out.amazonses.com",
      },
    };
  },
  bounce(email: StoredEmail, recipients: string[], permanent: boolean) {
    return {
      notificationType: "Bounce",
      bounce: {
        bounceType: permanent ? "Permanent" : "Transient",
        bounceSubType: permanent ? "General" : "MailboxFull",
        bouncedRecipients: recipients.map((emailAddress) => ({
          emailAddress,
          action: "failed",
          status: permanent ? "5.1.1" : "4.2.2",
          diagnosticCode: permanent
            ? `smtp; 550 5.1.1 <${emailAddress}>... User unknown`
            : `smtp; 452 4.2.2 <${emailAddress}>... Mailbox full`,
        })),
        timestamp: new Date().toISOString(),
        feedbackId: feedbackId(),
        remoteMtaIp: "127.0.2.0",
        reportingMTA: "dns; email.example.com",
      },
      mail: mailObject(email, recipients),
    };
  },
  complaint(email: StoredEmail, recipients: string[]) {
    return {
      notificationType: "Complaint",
      complaint: {
        userAgent: "ExampleCorp Feedback Loop (V0.01)",
        complainedRecipients: recipients.map((emailAddress) => ({ emailAddress })),
        complaintFeedbackType: "abuse",
        arrivalDate: new Date().toISOString(),
        timestamp: new Date().toISOString(),
        feedbackId: feedbackId(),
      },
      mail: mailObject(email, recipients),
    };
  },
};
