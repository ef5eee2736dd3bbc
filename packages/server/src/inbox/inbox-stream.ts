import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { ADMIN_COOKIE, findAdminIdentity } from '../accounts/admin-sessions.js';
import type { InboxActivity } from '../chat/inbox-activity.js';
import type { Database } from '../db/schema.js';
import { readCookie } from '../http/cookies.js';
import type { InboxService } from './inbox-service.js';

export interface InboxStreams {
  /** Serves `GET /api/admin/events` for a signed-in user; takes the response over. */
  open(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Ends every open stream (shutdown: the dashboards reconnect to another instance). */
  closeAll(): void;
}

/**
 * The agents' live stream (Server-Sent Events): `event: conversation` with `{ conversationId,
 * lastActivityAt }` whenever a conversation of the organization moves, on any instance; the
 * dashboard refetches what it shows. A ping every `checkMs` keeps proxies from closing it, renews
 * its place and re-checks the sign-in: a signed-out or expired session ends the stream, and so
 * does the hour's limit.
 */
export function createInboxStreams(deps: {
  db: Kysely<Database>;
  now: () => number;
  inbox: Pick<InboxService, 'follow' | 'streamLimits'>;
}): InboxStreams {
  const { db, now, inbox } = deps;
  const { checkMs, maxAgeMs } = inbox.streamLimits;
  const open = new Set<() => void>();

  return {
    async open(request, reply) {
      const viewer = { organizationId: request.admin.organizationId, userId: request.admin.userId };
      const credential = readCookie(request.headers.cookie, ADMIN_COOKIE) ?? '';
      let raw: ServerResponse | undefined;
      const held: InboxActivity[] = [];
      const write = (activity: InboxActivity) => {
        if (raw === undefined) held.push(activity);
        else if (!ended) raw.write(`event: conversation\ndata: ${JSON.stringify(activity)}\n\n`);
      };
      // Before the response is taken over, so that a refusal (429) is an ordinary error reply.
      const follow = await inbox.follow(viewer, write);
      const openedAt = now();

      reply.hijack();
      raw = reply.raw;
      raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      raw.write(': connected\n\n');
      for (const activity of held.splice(0)) write(activity);

      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        open.delete(end);
        clearInterval(tick);
        raw?.end();
        void follow.stop().catch(() => {});
      };
      const stillSignedIn = async () =>
        now() - openedAt < maxAgeMs &&
        (await findAdminIdentity(db, credential, now())) !== undefined;
      const tick = setInterval(() => {
        if (ended) return;
        raw?.write(': ping\n\n');
        void follow.renew().catch(() => {});
        void stillSignedIn()
          .then((ok) => {
            if (!ok) end();
          })
          .catch(() => {});
      }, checkMs);
      open.add(end);
      request.raw.once('close', end);
    },

    closeAll() {
      for (const end of open) end();
    },
  };
}
