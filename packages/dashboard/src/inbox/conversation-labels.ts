import type { ConversationStatus, InboxContact } from '@hilal/contract/admin-api';

/** What a row and the header call the contact: their name, else their email, else nothing known. */
export function contactLabel(contact: InboxContact): string {
  const details = contact.kind === 'verified' ? contact.verifiedClaims : contact.selfReported;
  if (details.name) return details.name;
  if (details.email) return details.email;
  if (contact.kind === 'verified' && contact.verifiedClaims.sub) return contact.verifiedClaims.sub;
  return 'Anonymous visitor';
}

export const STATUS_LABELS = {
  bot: 'Open (bot)',
  human: 'Open (agent)',
  closed: 'Closed',
} as const satisfies Record<ConversationStatus, string>;

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });
export const formatTime = (epochMs: number): string => timeFormat.format(epochMs);
