/** Every failure the platform reports to a caller, by code. */
export type ErrorCode =
  | "validation_failed"
  | "no_file_uploaded"
  | "unsupported_file_type"
  | "missing_authorization"
  | "invalid_api_key"
  | "api_key_revoked"
  | "api_key_expired"
  | "ip_not_allowed"
  | "scope_missing"
  | "forbidden"
  | "unauthenticated"
  | "insufficient_credit"
  | "spending_cap_exceeded"
  | "channel_not_subscribed"
  | "keyword_not_found"
  | "template_not_found"
  | "whatsapp_template_not_found"
  | "whatsapp_not_configured"
  | "email_sender_not_configured"
  | "template_not_approved"
  | "test_send_failed"
  | "not_found"
  | "conflict"
  | "idempotency_conflict"
  | "unsupported_media_type"
  | "payload_too_large"
  | "rate_limited"
  | "unexpected";

export type TrpcCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "TOO_MANY_REQUESTS"
  | "PRECONDITION_FAILED"
  | "UNPROCESSABLE_CONTENT"
  | "INTERNAL_SERVER_ERROR";

interface ErrorDefinition {
  status: number;
  trpc: TrpcCode;
  message: string;
}

/** One table from error code to HTTP status, tRPC code and the contract's default message. */
export const errorDefinitions: Record<ErrorCode, ErrorDefinition> = {
  validation_failed: { status: 400, trpc: "BAD_REQUEST", message: "Validation failed" },
  no_file_uploaded: { status: 400, trpc: "BAD_REQUEST", message: "No file uploaded" },
  unsupported_file_type: {
    status: 400,
    trpc: "BAD_REQUEST",
    message: "Only JPEG, PNG, WebP, MP4, and PDF files are supported",
  },
  missing_authorization: {
    status: 401,
    trpc: "UNAUTHORIZED",
    message: "Missing or invalid Authorization header",
  },
  invalid_api_key: { status: 401, trpc: "UNAUTHORIZED", message: "Invalid API key" },
  api_key_revoked: { status: 401, trpc: "UNAUTHORIZED", message: "API key has been revoked" },
  api_key_expired: { status: 401, trpc: "UNAUTHORIZED", message: "API key has expired" },
  ip_not_allowed: {
    status: 403,
    trpc: "FORBIDDEN",
    message: "Request IP is not in the API key whitelist",
  },
  scope_missing: {
    status: 403,
    trpc: "FORBIDDEN",
    message: "API key does not have the required scope",
  },
  forbidden: { status: 403, trpc: "FORBIDDEN", message: "Forbidden" },
  unauthenticated: { status: 401, trpc: "UNAUTHORIZED", message: "Sign in required" },
  insufficient_credit: { status: 402, trpc: "PRECONDITION_FAILED", message: "Insufficient credit" },
  spending_cap_exceeded: {
    status: 402,
    trpc: "PRECONDITION_FAILED",
    message: "Spending cap exceeded",
  },
  channel_not_subscribed: {
    status: 403,
    trpc: "FORBIDDEN",
    message: "Client does not have an active channel subscription",
  },
  keyword_not_found: { status: 404, trpc: "NOT_FOUND", message: "Keyword not found" },
  template_not_found: { status: 404, trpc: "NOT_FOUND", message: "Template not found" },
  whatsapp_template_not_found: {
    status: 404,
    trpc: "NOT_FOUND",
    message: "WhatsApp template not found",
  },
  whatsapp_not_configured: {
    status: 404,
    trpc: "NOT_FOUND",
    message: "No active WhatsApp configuration found for this client",
  },
  email_sender_not_configured: {
    status: 404,
    trpc: "NOT_FOUND",
    message: "No verified email sender identity found for this client",
  },
  template_not_approved: {
    status: 422,
    trpc: "UNPROCESSABLE_CONTENT",
    message: "Template is not approved",
  },
  test_send_failed: { status: 422, trpc: "UNPROCESSABLE_CONTENT", message: "Test send failed" },
  not_found: { status: 404, trpc: "NOT_FOUND", message: "Not found" },
  conflict: { status: 409, trpc: "CONFLICT", message: "Conflict" },
  idempotency_conflict: {
    status: 409,
    trpc: "CONFLICT",
    message: "Idempotency-Key was already used with a different request",
  },
  unsupported_media_type: {
    status: 415,
    trpc: "UNSUPPORTED_MEDIA_TYPE",
    message: "Content-Type must be application/json",
  },
  payload_too_large: {
    status: 413,
    trpc: "PAYLOAD_TOO_LARGE",
    message: "Request body is too large",
  },
  rate_limited: {
    status: 429,
    trpc: "TOO_MANY_REQUESTS",
    message: "Too many requests, please try again later",
  },
  unexpected: { status: 500, trpc: "INTERNAL_SERVER_ERROR", message: "Unexpected error" },
};

export interface FieldError {
  field: string;
  message: string;
}

/** The one error type the domain throws; the HTTP and tRPC layers translate it by code. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fieldErrors: FieldError[] | undefined;
  /** Response headers the error carries, such as `Retry-After` on a 429. */
  headers: Record<string, string> = {};

  constructor(code: ErrorCode, message?: string, fieldErrors?: FieldError[]) {
    const definition = errorDefinitions[code];
    super(message ?? definition.message);
    this.name = "AppError";
    this.code = code;
    this.status = definition.status;
    this.fieldErrors = fieldErrors;
  }
}

export function validationError(fieldErrors: FieldError[]): AppError {
  return new AppError("validation_failed", undefined, fieldErrors);
}
