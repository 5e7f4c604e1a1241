export * from "./channels.ts";
export * from "./errors.ts";
export * from "./money.ts";
export * from "./phone.ts";
export * from "./schemas/common.ts";
export * from "./schemas/sms.ts";
export * from "./sms.ts";
