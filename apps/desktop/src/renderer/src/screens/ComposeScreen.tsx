import { useState } from "react";
import { Card, Field } from "../components/ui.tsx";
import { EmailCompose } from "./compose/EmailCompose.tsx";
import { SmsCompose } from "./compose/SmsCompose.tsx";
import { WhatsAppCompose } from "./compose/WhatsAppCompose.tsx";

type Channel = "sms" | "whatsapp" | "email";

/** Composes a broadcast; each channel has its own form, sharing recipients and sending. */
export function ComposeScreen({ scope }: { scope: { clientId?: string } }) {
  const [channel, setChannel] = useState<Channel>("sms");
  const [campaignName, setCampaignName] = useState("");
  const channelProps = { scope, campaignName };

  return (
    <div className="screen">
      <h1>Compose</h1>
      <Card>
        <div className="form-row">
          <Field label="Channel">
            <select
              value={channel}
              onChange={(e) => setChannel(e.target.value as Channel)}
              data-testid="channel"
            >
              <option value="sms">SMS</option>
              <option value="whatsapp">WhatsApp</option>
              <option value="email">Email</option>
            </select>
          </Field>
          <Field label="Campaign name">
            <input
              value={campaignName}
              onChange={(e) => setCampaignName(e.target.value)}
              data-testid="campaign"
            />
          </Field>
        </div>
      </Card>
      {channel === "sms" ? <SmsCompose key="sms" {...channelProps} /> : null}
      {channel === "whatsapp" ? <WhatsAppCompose key="whatsapp" {...channelProps} /> : null}
      {channel === "email" ? <EmailCompose key="email" {...channelProps} /> : null}
    </div>
  );
}
