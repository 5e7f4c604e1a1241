/** Formats integer sen as Malaysian ringgit with two decimals: 1234 → "RM12.34". */
export function formatRinggit(sen: number | bigint): string {
  const value = BigInt(sen);
  const negative = value < 0n;
  const absolute = negative ? -value : value;
  const ringgit = absolute / 100n;
  const cents = (absolute % 100n).toString().padStart(2, "0");
  return `${negative ? "-" : ""}RM${ringgit}.${cents}`;
}
