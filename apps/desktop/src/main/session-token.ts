/**
 * The console session token lives only in this process's memory: the renderer never
 * sees it, so a script injected into the page cannot read or send it anywhere.
 */
let token: string | null = null;

export function currentToken(): string | null {
  return token;
}

export function rememberToken(value: string | null): void {
  token = value;
}
