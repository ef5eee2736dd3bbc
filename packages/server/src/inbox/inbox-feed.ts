import { randomUUID } from 'node:crypto';
import { type InboxActivity, inboxChannel, parseInboxActivity } from '../chat/inbox-activity.js';
import { HilalError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { InboxViewer } from './inbox-filters.js';

export interface InboxStreamLimits {
  /** Open inbox streams per user, across instances (like the widget's per visitor, §10). */
  readonly maxPerUser: number;
  /** How often a stream pings, renews its place and re-checks the sign-in. */
  readonly checkMs: number;
  /** A stream lives at most this long; the dashboard reconnects. */
  readonly maxAgeMs: number;
}

export const INBOX_STREAM_LIMITS: InboxStreamLimits = {
  maxPerUser: 10,
  checkMs: 15_000,
  maxAgeMs: 3600_000,
};

/** One agent's subscription to the organization's activity. */
export interface InboxFollow {
  /** Keeps the stream's place (a crashed instance's places lapse by themselves). */
  renew(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Takes one of the user's stream places (429 `too_many_inbox_streams` when all are held) and
 * subscribes to the organization's channel; `onActivity` gets every conversation that moves.
 */
export async function followInbox(
  deps: { store: Store; now: () => number; limits: InboxStreamLimits },
  viewer: InboxViewer,
  onActivity: (activity: InboxActivity) => void,
): Promise<InboxFollow> {
  const { store, now, limits } = deps;
  const key = `inbox-streams:${viewer.userId}`;
  const leaseId = randomUUID();
  const ttlMs = Math.max(4 * limits.checkMs, 60_000);
  const lease = () => store.acquireLease(key, leaseId, limits.maxPerUser, now(), ttlMs);
  // A stream frees its place as soon as it closes; a few seconds is a fair first retry.
  if (!(await lease())) throw new HilalError('too_many_inbox_streams', { 'Retry-After': '5' });
  let unsubscribe: () => Promise<void>;
  try {
    unsubscribe = await store.subscribe(inboxChannel(viewer.organizationId), (text) => {
      const activity = parseInboxActivity(text);
      if (activity !== undefined) onActivity(activity);
    });
  } catch (error) {
    await store.releaseLease(key, leaseId);
    throw error;
  }
  return {
    async renew() {
      await lease();
    },
    async stop() {
      await Promise.all([unsubscribe(), store.releaseLease(key, leaseId)]);
    },
  };
}
