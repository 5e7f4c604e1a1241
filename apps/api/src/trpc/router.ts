import { createCallerFactory, router } from "./init.ts";
import { auditRouter } from "./routers/audit.ts";
import { authRouter } from "./routers/auth.ts";
import { broadcastsRouter } from "./routers/broadcasts.ts";
import { composeRouter } from "./routers/compose.ts";
import { contentRouter } from "./routers/content.ts";
import { financeRouter } from "./routers/finance.ts";
import { keysRouter } from "./routers/keys.ts";
import { usageRouter } from "./routers/usage.ts";
import { usersRouter } from "./routers/users.ts";
import { webhooksRouter } from "./routers/webhooks.ts";

export const appRouter = router({
  auth: authRouter,
  compose: composeRouter,
  broadcasts: broadcastsRouter,
  keys: keysRouter,
  usage: usageRouter,
  webhooks: webhooksRouter,
  finance: financeRouter,
  content: contentRouter,
  audit: auditRouter,
  users: usersRouter,
});

/** The console's whole API, imported as a type by the desktop app. */
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
