import type { Store } from '../store/store.js';

/** What agents' live streams carry (`GET /api/admin/events`): which conversation moved, and when. */
export interface InboxActivity {
  readonly conversationId: string;
  readonly lastActivityAt: number;
}

/**
 * Activity goes to the organization's channel: every agent stream of that organization listens,
 * on any instance, since the store carries it (Redis when several instances run).
 */
export function inboxChannel(organizationId: string): string {
  return `inbox:org:${organizationId}`;
}

/**
 * Announces a message (visitor, bot or agent), an assignment, a close or a reopen. Never fails
 * the work that caused it: the dashboard also refetches when it reconnects.
 */
export async function publishInboxActivity(
  store: Store,
  organizationId: string,
  activity: InboxActivity,
): Promise<void> {
  const { conversationId, lastActivityAt } = activity;
  await store
    .publish(inboxChannel(organizationId), JSON.stringify({ conversationId, lastActivityAt }))
    .catch(() => {});
}

export function parseInboxActivity(text: string): InboxActivity | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (
      typeof value === 'object' &&
      value !== null &&
      'conversationId' in value &&
      typeof value.conversationId === 'string' &&
      'lastActivityAt' in value &&
      typeof value.lastActivityAt === 'number'
    ) {
      return { conversationId: value.conversationId, lastActivityAt: value.lastActivityAt };
    }
  } catch {
    // A foreign message on the channel is ignored.
  }
  return undefined;
}
