/** Where the console's API lives; the desktop app talks to nothing else. */
export function apiBaseUrl(env: Record<string, string | undefined> = process.env): string {
  const value = env.TEEKRR_API_URL ?? "http://127.0.0.1:3000";
  const url = new URL(value);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error("TEEKRR_API_URL must be an http or https URL");
  }
  return url.origin;
}
