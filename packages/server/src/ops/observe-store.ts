import type { Store } from '../store/store.js';
import type { Metrics } from './metrics.js';

// chat-events.ts: a stored message is announced once, on its contact's channel, as
// `{"type":"message","message":{…,"author":…}}` (JSON.stringify keeps that key order).
const CONTACT_CHANNEL = 'chat:contact:';
const MESSAGE_EVENT = '{"type":"message"';
const AUTHORS = new Set(['visitor', 'bot', 'agent']);

/**
 * The store, with the message count of `/metrics` read off the events it carries: whoever stores
 * a message (chat, replies, the inbox) announces it exactly once, so no feature needs a hook.
 */
export function observeStore(store: Store, metrics: Metrics): Store {
  return {
    ...store,
    publish(channel, message) {
      if (channel.startsWith(CONTACT_CHANNEL) && message.startsWith(MESSAGE_EVENT)) {
        metrics.messages.inc({ author: authorOf(message) });
      }
      return store.publish(channel, message);
    },
  };
}

function authorOf(event: string): string {
  try {
    const author: unknown = JSON.parse(event)?.message?.author;
    return typeof author === 'string' && AUTHORS.has(author) ? author : 'unknown';
  } catch {
    return 'unknown';
  }
}
