import {
  broadcastMessagesQuery,
  type Channel,
  pageOf,
  pageQuery,
  recipientValidation,
  validateRecipientsBody,
} from "@teekrr/shared";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { type ApiScope, requireScope } from "../../domain/api-keys.ts";
import { broadcastChannel, cancelBroadcast } from "../../domain/broadcasts/cancel.ts";
import { listBroadcastMessagesPage, listBroadcastsPage } from "../../domain/broadcasts/pages.ts";
import { getBroadcast, getMessage } from "../../domain/broadcasts/read.ts";
import { validateRecipients } from "../../domain/broadcasts/validate-recipients.ts";
import type { Platform } from "../../platform.ts";
import { keyActor } from "../actor.ts";
import { authenticate } from "../authenticate.ts";
import { defineRoute } from "../openapi/registry.ts";
import { broadcastMessageItem, broadcastView, messageView } from "../openapi/responses.ts";
import { parseInput } from "../validation.ts";

export const sendScopes: Record<Channel, ApiScope> = {
  sms: "send_sms",
  whatsapp: "send_whatsapp",
  email: "send_email",
};
const anySendScope = Object.values(sendScopes);
const uuidParams = z.object({ uuid: z.string().describe("The broadcast's or message's uuid") });
const tags = ["Broadcasts"];

function uuidOf(request: FastifyRequest): string {
  return (request.params as { uuid: string }).uuid;
}

export function registerBroadcastRoutes(app: FastifyInstance, platform: Platform): void {
  const { db } = platform.database;

  defineRoute(
    app,
    {
      method: "GET",
      path: "/broadcasts",
      summary: "List broadcasts",
      description: "Newest first. Pass `nextCursor` back as `cursor` for the next page.",
      tags,
      scopes: ["read_messages"],
      query: pageQuery,
      success: { status: 200, description: "A page of broadcasts", data: pageOf(broadcastView) },
      errors: [400, 401, 403],
    },
    async (request) => {
      const key = await authenticate(platform, request, ["read_messages"]);
      const query = parseInput(pageQuery, request.query);
      return { data: await listBroadcastsPage(db, key.clientId, query) };
    },
  );

  defineRoute(
    app,
    {
      method: "GET",
      path: "/broadcasts/:uuid",
      summary: "Get a broadcast",
      description: "Counts per status and the credit reserved, settled and released.",
      tags,
      scopes: ["read_messages"],
      params: uuidParams,
      success: { status: 200, description: "The broadcast", data: broadcastView },
      errors: [401, 403, 404],
    },
    async (request) => {
      const key = await authenticate(platform, request, ["read_messages"]);
      return { data: await getBroadcast(db, key.clientId, uuidOf(request)) };
    },
  );

  defineRoute(
    app,
    {
      method: "GET",
      path: "/broadcasts/:uuid/messages",
      summary: "List a broadcast's messages",
      description: "In send order, optionally only those in one status.",
      tags,
      scopes: ["read_messages"],
      params: uuidParams,
      query: broadcastMessagesQuery,
      success: {
        status: 200,
        description: "A page of messages",
        data: pageOf(broadcastMessageItem),
      },
      errors: [400, 401, 403, 404],
    },
    async (request) => {
      const key = await authenticate(platform, request, ["read_messages"]);
      const query = parseInput(broadcastMessagesQuery, request.query);
      return {
        data: await listBroadcastMessagesPage(db, key.clientId, uuidOf(request), query),
      };
    },
  );

  defineRoute(
    app,
    {
      method: "POST",
      path: "/broadcasts/:uuid/cancel",
      summary: "Cancel a broadcast",
      description:
        "Needs the send scope of the broadcast's channel. Messages not yet taken by a send " +
        "worker end `failed` with code `cancelled` and their credit is released.",
      tags,
      scopes: anySendScope,
      params: uuidParams,
      success: { status: 200, description: "The cancelled broadcast", data: broadcastView },
      errors: [401, 403, 404, 409],
    },
    async (request) => {
      const key = await authenticate(platform, request, anySendScope);
      const channel = await broadcastChannel(platform.database, key.clientId, uuidOf(request));
      requireScope(key, sendScopes[channel]);

      const cancelled = await cancelBroadcast(
        platform.database,
        keyActor(key),
        key.clientId,
        uuidOf(request),
      );
      return { data: cancelled };
    },
  );

  defineRoute(
    app,
    {
      method: "POST",
      path: "/broadcasts/validate",
      summary: "Check recipients",
      description:
        "Side-effect free, row by row. Needs only the send scope of the channel checked.",
      tags,
      scopes: anySendScope,
      body: validateRecipientsBody,
      success: { status: 200, description: "Valid and invalid rows", data: recipientValidation },
      errors: [400, 401, 403, 413, 415],
    },
    async (request) => {
      const key = await authenticate(platform, request, anySendScope);
      const body = parseInput(validateRecipientsBody, request.body);
      requireScope(key, sendScopes[body.channel]);

      return { data: validateRecipients(body.channel, body.recipients) };
    },
  );

  defineRoute(
    app,
    {
      method: "GET",
      path: "/messages/:uuid",
      summary: "Get a message",
      description: "With its status history, oldest first.",
      tags,
      scopes: ["read_messages"],
      params: uuidParams,
      success: { status: 200, description: "The message", data: messageView },
      errors: [401, 403, 404],
    },
    async (request) => {
      const key = await authenticate(platform, request, ["read_messages"]);
      return { data: await getMessage(db, key.clientId, uuidOf(request)) };
    },
  );
}
