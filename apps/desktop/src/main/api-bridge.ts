import { currentToken, rememberToken } from "./session-token.ts";

export interface BridgeRequest {
  /** A tRPC path with its query string, such as `/trpc/broadcasts.list?input=...`. */
  path: string;
  method: "GET" | "POST";
  body?: string | null;
}

export interface BridgeResponse {
  status: number;
  body: string;
}

const allowedPath = /^\/trpc\/[A-Za-z0-9.,]+(\?[^#]*)?$/;

export function isAllowedRequest(request: unknown): request is BridgeRequest {
  if (typeof request !== "object" || request === null) return false;
  const { path, method, body } = request as Record<string, unknown>;
  return (
    typeof path === "string" &&
    path.length < 200_000 &&
    allowedPath.test(path) &&
    (method === "GET" || method === "POST") &&
    (body === undefined || body === null || typeof body === "string")
  );
}

/** Forwards one console call to the API with the session token this process holds. */
export async function forwardToApi(
  apiBase: string,
  request: BridgeRequest,
  fetchImpl: typeof fetch = fetch,
): Promise<BridgeResponse> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const token = currentToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetchImpl(`${apiBase}${request.path}`, {
    method: request.method,
    headers,
    body: request.method === "POST" ? (request.body ?? "") : undefined,
  });
  return { status: response.status, body: await response.text() };
}

interface SignInAnswer {
  result?: { data?: { token?: string; expiresAt?: string; user?: unknown } };
  error?: { message?: string };
}

/** Signs in on the renderer's behalf; the token is kept here and only the user goes back. */
export async function signInThroughApi(
  apiBase: string,
  credentials: { email: string; password: string },
  fetchImpl: typeof fetch = fetch,
): Promise<{ ok: true; user: unknown } | { ok: false; message: string }> {
  const response = await fetchImpl(`${apiBase}/trpc/auth.signIn`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: credentials.email, password: credentials.password }),
  });
  const answer = (await response.json()) as SignInAnswer;
  const data = answer.result?.data;
  if (!response.ok || !data?.token) {
    return { ok: false, message: answer.error?.message ?? "Sign-in failed" };
  }
  rememberToken(data.token);
  return { ok: true, user: data.user };
}

export async function signOutThroughApi(apiBase: string, fetchImpl: typeof fetch = fetch) {
  if (currentToken()) {
    await forwardToApi(apiBase, { path: "/trpc/auth.signOut", method: "POST" }, fetchImpl).catch(
      () => undefined,
    );
  }
  rememberToken(null);
  return { ok: true as const };
}
