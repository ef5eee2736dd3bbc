/** Where a page of the inbox ended: the last row's activity time and id (the list's order). */
export interface InboxCursor {
  readonly lastActivityAt: number;
  readonly id: string;
}

/** Opaque to the dashboard: base64url of `[lastActivityAt, id]`. */
export function encodeInboxCursor(cursor: InboxCursor): string {
  return Buffer.from(JSON.stringify([cursor.lastActivityAt, cursor.id])).toString('base64url');
}

/** The cursor, or undefined when the text is not one this server made. */
export function decodeInboxCursor(text: string): InboxCursor | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [lastActivityAt, id] = value;
  if (!Number.isSafeInteger(lastActivityAt) || lastActivityAt < 0) return undefined;
  if (typeof id !== 'string' || id.length === 0 || id.length > 64) return undefined;
  return { lastActivityAt, id };
}
