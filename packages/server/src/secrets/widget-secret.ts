import { randomBytes } from 'node:crypto';

/**
 * docs/contract.md §3, zero-gap rotation: a regenerated secret not saved within 24 hours of its
 * creation is dropped. It verifies while `now < created_at + PENDING_SECRET_LIFETIME_MS`.
 */
export const PENDING_SECRET_LIFETIME_MS = 24 * 3600 * 1000;

/** When a pending secret created at `createdAt` (epoch ms) stops verifying. */
export function pendingExpiresAt(createdAt: number): number {
  return createdAt + PENDING_SECRET_LIFETIME_MS;
}

/** docs/contract.md §3: 32 bytes from the CSPRNG, as 64 lowercase hex characters. */
export function generateWidgetSecret(): string {
  return randomBytes(32).toString('hex');
}

/** What is stored for the masked preview: the last 4 characters, never more. */
export function previewTail(secret: string): string {
  return secret.slice(-4);
}

/** The masked preview shown after generation, e.g. `••••c21e`. */
export function maskedPreview(tail: string): string {
  return `••••${tail}`;
}

/** The HMAC key for a secret string: its UTF-8 bytes, as `jsonwebtoken` and PyJWT use it. */
export function hmacKeyOf(secret: string): Buffer {
  return Buffer.from(secret, 'utf8');
}
