export * from "./api-keys.ts";
export * from "./broadcasts.ts";
export * from "./clients.ts";
export * from "./ledger.ts";
export * from "./messages.ts";
export * from "./operations.ts";
export * from "./templates.ts";
export * from "./users.ts";
