import { AppError, errorDefinitions, type FieldError } from "@teekrr/shared";
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import type { TrpcContext } from "./context.ts";

function fieldErrorsOf(cause: unknown): FieldError[] | null {
  if (cause instanceof AppError) return cause.fieldErrors ?? null;
  if (cause instanceof ZodError) {
    return cause.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message }));
  }
  return null;
}

const t = initTRPC.context<TrpcContext>().create({
  errorFormatter({ shape, error, ctx }) {
    const unexpected = error.code === "INTERNAL_SERVER_ERROR";
    if (unexpected) ctx?.log.error({ err: error.cause ?? error }, "console call failed");
    return {
      ...shape,
      // Nothing about an unexpected failure leaks to the console; the log has it.
      message: unexpected ? errorDefinitions.unexpected.message : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        fieldErrors: fieldErrorsOf(error.cause),
      },
    };
  },
});

/** Translates the domain's errors through the shared code table, once for every procedure. */
const mapAppErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: errorDefinitions[cause.code].trpc, message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const baseProcedure = t.procedure.use(mapAppErrors);
export const middleware = t.middleware;
