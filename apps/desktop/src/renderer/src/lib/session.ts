import { trpcClient } from "./client.ts";
import { desktopBridge, setWebToken } from "./transport.ts";

export async function signIn(email: string, password: string): Promise<void> {
  const bridge = desktopBridge();
  if (bridge) {
    const answer = await bridge.signIn(email, password);
    if (!answer.ok) throw new Error(answer.message);
    return;
  }
  const session = await trpcClient.auth.signIn.mutate({ email, password });
  setWebToken(session.token);
}

export async function signOut(): Promise<void> {
  const bridge = desktopBridge();
  if (bridge) {
    await bridge.signOut();
    return;
  }
  await trpcClient.auth.signOut.mutate().catch(() => undefined);
  setWebToken(null);
}
