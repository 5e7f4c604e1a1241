import { AppError, errorDefinitions } from "@teekrr/shared";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** Fastify's own refusals, translated into the contract's envelope and codes. */
function fromFastify(error: FastifyError): AppError | null {
  switch (error.code) {
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new AppError("unsupported_media_type");
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new AppError("payload_too_large");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new AppError("validation_failed", undefined, [
        { field: "body", message: "Request body is empty" },
      ]);
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new AppError("validation_failed", undefined, [
        { field: "body", message: "Request body is not valid JSON" },
      ]);
    default:
      break;
  }
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return new AppError("validation_failed", undefined, [
      { field: "body", message: "Request body is not valid JSON" },
    ]);
  }
  return null;
}

export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  const body: { message: string; errors?: typeof error.fieldErrors } = { message: error.message };
  if (error.code === "validation_failed" && error.fieldErrors) body.errors = error.fieldErrors;
  return reply.status(error.status).send(body);
}

/**
 * Refusals from Fastify's router, which it answers before any hook runs: a path that is not
 * valid percent-encoding, and a path segment longer than any id the API issues (so nothing
 * there can be found). Both get the envelope and a `Request-Id` like every other answer.
 */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  reply.header("Request-Id", request.id);
  if (error.code === "FST_ERR_MAX_PARAM_LENGTH") {
    return reply.status(404).send({ message: "Not found" });
  }
  return sendError(
    reply,
    new AppError("validation_failed", undefined, [
      { field: "path", message: "The path is not a valid URL" },
    ]),
  );
}

/** One place where every thrown thing becomes a response; nothing unexpected leaks. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const known = error instanceof AppError ? error : fromFastify(error);
    if (known) {
      if (known.status >= 500) request.log.error({ err: error }, "request failed");
      return sendError(reply, known);
    }
    request.log.error({ err: error }, "unexpected error");
    return reply.status(500).send({ message: errorDefinitions.unexpected.message });
  });

  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ message: "Not found" }));
}
