import multipart from "@fastify/multipart";
import { AppError } from "@teekrr/shared";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { detectMediaType, loadMedia, storeMedia } from "../../domain/whatsapp/media.ts";
import type { Platform } from "../../platform.ts";
import { authenticate } from "../authenticate.ts";
import { documentRoute } from "../openapi/registry.ts";

const mediaTypes = [
  "image/jpeg",
  "image/png",
  "image/webp",
  "video/mp4",
  "application/pdf",
] as const;

const uploaded = z.object({
  url: z.url(),
  contentType: z.enum(mediaTypes),
  size: z.number().int().describe("Bytes"),
});

/** Reads the single uploaded file, turning every multipart problem into a 4xx. */
async function readUpload(request: FastifyRequest, maxBytes: number): Promise<Buffer> {
  if (!request.isMultipart()) throw new AppError("no_file_uploaded");
  try {
    const file = await request.file();
    if (!file) throw new AppError("no_file_uploaded");
    const bytes = await file.toBuffer();
    if (bytes.length === 0) throw new AppError("no_file_uploaded");
    return bytes;
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as { code?: string }).code;
    if (code === "FST_REQ_FILE_TOO_LARGE") {
      throw new AppError("payload_too_large", `File is larger than ${maxBytes} bytes`);
    }
    throw new AppError("no_file_uploaded");
  }
}

/**
 * Header media for WhatsApp templates. Files live in Postgres and are served at a public,
 * unguessable URL, because Meta fetches the link itself without our credentials.
 */
export function registerWhatsAppMediaRoutes(app: FastifyInstance, platform: Platform): void {
  const { db } = platform.database;
  const maxBytes = platform.config.MEDIA_MAX_BYTES;

  documentRoute(app, {
    method: "POST",
    path: "/whatsapp/upload-header-image",
    summary: "Upload header media for WhatsApp templates",
    description:
      "Multipart upload of one file (JPEG, PNG, WebP, MP4 or PDF, checked by its content). " +
      "Answers a public URL to pass as `headerImage`, `headerVideo` or `headerDocument`.",
    tags: ["WhatsApp"],
    scopes: ["send_whatsapp"],
    success: { status: 200, description: "Stored", data: uploaded },
    errors: [400],
  });
  documentRoute(app, {
    method: "GET",
    path: "/media/:id",
    summary: "Uploaded media, publicly readable",
    tags: ["WhatsApp"],
    auth: "none",
    params: z.object({ id: z.string() }),
    success: { status: 200, description: "The file", contentType: mediaTypes },
    errors: [404],
  });

  app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: maxBytes, files: 1, fields: 10, parts: 11, fieldSize: 1024 },
      throwFileSizeLimit: true,
    });

    scope.post("/whatsapp/upload-header-image", async (request) => {
      const key = await authenticate(platform, request, ["send_whatsapp"]);
      const bytes = await readUpload(request, maxBytes);

      const contentType = detectMediaType(bytes);
      if (!contentType) throw new AppError("unsupported_file_type");
      const id = await storeMedia(db, key.clientId, bytes, contentType);

      const base = platform.config.PUBLIC_URL ?? `${request.protocol}://${request.host}`;
      return {
        data: { url: `${base.replace(/\/+$/, "")}/media/${id}`, contentType, size: bytes.length },
      };
    });
  });

  app.get<{ Params: { id: string } }>("/media/:id", async (request, reply) => {
    const media = await loadMedia(db, request.params.id);
    if (!media) throw new AppError("not_found", "Media not found");
    return reply
      .header("content-type", media.contentType)
      .header("cache-control", "public, max-age=31536000, immutable")
      .header("x-content-type-options", "nosniff")
      .header("content-security-policy", "default-src 'none'")
      .send(media.data);
  });
}
