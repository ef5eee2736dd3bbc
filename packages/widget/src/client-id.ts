// Client message ids (docs/widget-api.md: 1–64 characters of [A-Za-z0-9_-]). The server stores
// a client id once, which is what makes retrying a send safe.

export function newClientMessageId(): string {
  // randomUUID exists only in secure contexts; a page on plain http still gets 128 random bits.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
