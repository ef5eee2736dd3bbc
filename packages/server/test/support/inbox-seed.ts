import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, IdentityState } from '../../src/db/schema.js';
import { readSseEvents, type SseEvent } from '../../src/http/sse-parser.js';
import { newId } from '../../src/ids.js';

export interface SeedConversation {
  readonly orgId: string;
  readonly botId: string;
  readonly at: number;
  readonly identity?: IdentityState;
  readonly status?: 'bot' | 'human' | 'closed';
  /** A verified contact for this `sub`; otherwise a visitor contact of its own. */
  readonly sub?: string;
  readonly name?: string | null;
  readonly email?: string | null;
  readonly assigneeId?: string | null;
}

/**
 * A contact, a conversation and one visitor message, written straight to the database: fast
 * enough for the paging and plan tests. The widget's own flow is tested through the API.
 */
export async function seedConversation(
  db: Kysely<Database>,
  seed: SeedConversation,
): Promise<{ conversationId: string; contactId: string }> {
  const contactId = newId('ctc');
  const conversationId = newId('cnv');
  const verified = seed.sub !== undefined;
  await db
    .insertInto('contacts')
    .values({
      id: contactId,
      organization_id: seed.orgId,
      chatbot_id: seed.botId,
      kind: verified ? 'verified' : 'visitor',
      sub: seed.sub ?? null,
      visitor_id: verified ? null : `vis_${randomUUID()}`,
      name: seed.name ?? null,
      email: seed.email ?? null,
      created_at: seed.at,
      updated_at: seed.at,
    })
    .execute();
  await db
    .insertInto('conversations')
    .values({
      id: conversationId,
      organization_id: seed.orgId,
      chatbot_id: seed.botId,
      contact_id: contactId,
      identity: seed.identity ?? (verified ? 'verified' : 'anonymous'),
      status: seed.status ?? 'bot',
      created_at: seed.at,
      last_activity_at: seed.at,
      assignee_id: seed.assigneeId ?? null,
    })
    .execute();
  await db
    .insertInto('messages')
    .values({
      id: newId('msg'),
      organization_id: seed.orgId,
      conversation_id: conversationId,
      client_message_id: null,
      author: 'visitor',
      text: 'hello',
      identity_source: seed.identity ?? (verified ? 'verified' : 'anonymous'),
      created_at: seed.at,
    })
    .execute();
  return { conversationId, contactId };
}

/** `GET /api/admin/events` as the dashboard opens it (its session cookie), collecting events. */
export async function openAdminStream(baseUrl: string, cookie: string) {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/api/admin/events`, {
    headers: { cookie, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const body = res.body;
  assert.ok(body);
  const events: SseEvent[] = [];
  const waiters: Array<() => void> = [];
  void (async () => {
    try {
      for await (const event of readSseEvents(body)) {
        events.push(event);
        for (const wake of waiters.splice(0)) wake();
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    async waitFor(predicate: (event: SseEvent) => boolean): Promise<SseEvent> {
      for (;;) {
        const found = events.find(predicate);
        if (found) return found;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    close: () => controller.abort(),
  };
}
