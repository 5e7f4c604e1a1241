/** What the preload exposes to the renderer as `window.teekrr`: nothing more. */
export interface TeekrrBridge {
  request(input: {
    path: string;
    method: "GET" | "POST";
    body?: string | null;
  }): Promise<{ status: number; body: string }>;
  signIn(
    email: string,
    password: string,
  ): Promise<{ ok: true; user: unknown } | { ok: false; message: string }>;
  signOut(): Promise<{ ok: boolean }>;
}
