import type { Store } from '../store/store.js';
import type { ChatMessage } from './messages-repository.js';

/** What the live stream carries to the widget (docs/widget-api.md). */
export type ChatEvent =
  | { readonly type: 'message'; readonly message: ChatMessage }
  | { readonly type: 'typing'; readonly author: 'bot' | 'agent'; readonly typing: boolean }
  | { readonly type: 'delta'; readonly replyId: string; readonly text: string };

/**
 * Events go to a contact's channel: every device and tab of that contact is subscribed, on any
 * instance, since the store carries them (Redis when several instances run).
 */
export function contactChannel(contactId: string): string {
  return `chat:contact:${contactId}`;
}

/** Where a logout is announced, so that every stream of that family ends on every instance. */
export function familyChannel(familyId: string): string {
  return `chat:family:${familyId}`;
}

/** Where a change of a bot's secrets is announced, so verified streams re-check at once. */
export function botSecretsChannel(chatbotId: string): string {
  return `chat:bot-secrets:${chatbotId}`;
}

export function publishChatEvent(store: Store, contactId: string, event: ChatEvent): Promise<void> {
  return store.publish(contactChannel(contactId), JSON.stringify(event));
}

export function parseChatEvent(text: string): ChatEvent | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && 'type' in value) return value as ChatEvent;
  } catch {
    // A foreign message on the channel is ignored.
  }
  return undefined;
}
