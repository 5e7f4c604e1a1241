import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { parseEncryptionKey } from "../env.ts";

/** Encrypts small secrets for storage, bound to where they are stored. */
export interface SecretBox {
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
}

const version = "v1";

/**
 * AES-256-GCM with a fresh 96-bit nonce per value. The context (such as a client id and
 * a column name) is authenticated data, so a ciphertext copied to another client's row
 * or another column fails to decrypt instead of being used there.
 */
export function createSecretBox(keyText: string): SecretBox {
  const key = parseEncryptionKey(keyText);
  if (!key) throw new Error("encryption key must be 32 bytes in hex or base64");

  return {
    seal(plaintext, context) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, nonce);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      const parts = [nonce, tag, body].map((part) => part.toString("base64"));
      return [version, ...parts].join(".");
    },
    open(sealed, context) {
      const [tagVersion, nonce, tag, body] = sealed.split(".");
      if (tagVersion !== version || !nonce || !tag || !body) {
        throw new Error("sealed value has an unknown format");
      }
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, "base64"));
      return Buffer.concat([
        decipher.update(Buffer.from(body, "base64")),
        decipher.final(),
      ]).toString("utf8");
    },
  };
}
