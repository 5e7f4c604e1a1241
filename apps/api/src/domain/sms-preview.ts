import {
  complianceWarnings,
  composeSmsText,
  type SmsPreviewBody,
  segmentSms,
  smsPrefix,
} from "@teekrr/shared";

/** What an SMS will look like on the wire and what each recipient will cost. */
export function previewSms(
  body: SmsPreviewBody,
  client: { smsRate: number; brand: string | null },
) {
  const text = composeSmsText(body.content, body.keyword ?? null);
  const segmentation = segmentSms(text);
  return {
    text,
    encoding: segmentation.encoding,
    characters: segmentation.units,
    segments: segmentation.segments,
    charactersPerSegment: segmentation.perSegment,
    charactersLeft: segmentation.remaining,
    prefixApplied: !body.content.startsWith(smsPrefix),
    warnings: complianceWarnings(text, body.brand ?? client.brand),
    costPerRecipient: segmentation.segments * client.smsRate,
    currency: "MYR" as const,
  };
}
