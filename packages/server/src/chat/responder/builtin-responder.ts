import type { KnowledgeEntry } from '../knowledge/knowledge-entry.js';
import { capturedFollowUpEmail, mayAskForEmail } from './follow-up-email.js';
import { wantsHuman } from './handoff-intent.js';
import type { Reply, ReplyContext, ReplySink, Responder } from './responder.js';
import { smallTalk } from './small-talk.js';

// Everything the built-in responder says, in one place.
const SAY = {
  greeting: (who: string) => `Hi ${who}! How can I help you today?`,
  thanks: "You're welcome! Is there anything else I can help you with?",
  goodbye: 'Thanks for chatting with us. Goodbye!',
  handoff: (who: string | undefined) =>
    `Of course${who ? `, ${who}` : ''}. I'm connecting you with a teammate, who will join this conversation shortly.`,
  unknown:
    "I'm sorry, I don't know the answer to that. I'm connecting you with a teammate, who will join this conversation shortly.",
  askEmail:
    "If you might leave before they reply, type your email address here and we'll follow up by email.",
  emailCaptured: (email: string) =>
    `Thanks! A teammate will get back to you, and if you've left by then, we'll follow up at ${email}.`,
} as const;

/**
 * The responder that needs no outside service (docs/contract.md §6): small talk, answers from the bot's own
 * knowledge entries, and handoff to a human.
 *
 * - A verified user is greeted by the verified `name` and never asked for a name or email.
 *   A self-reported name is not used at all: it is only display, never fact (docs/contract.md §2).
 * - An anonymous or self-reported visitor who has left no email is asked for one when the
 *   conversation is handed off; an email in their message is captured for follow-up, which also
 *   hands off, since a person is the one who will write to them.
 * - The reply is written to the sink in one delta; it never waits, so `signal` is not needed.
 *
 * @example
 * const reply = await createBuiltinResponder().reply(context, { delta: (t) => send(t) });
 */
export function createBuiltinResponder(): Responder {
  return {
    needsHistory: false,
    async reply(context: ReplyContext, sink: ReplySink): Promise<Reply> {
      const { text, handoff, capturedEmail } = compose(context);
      sink.delta(text);
      return capturedEmail === undefined
        ? { text, handoff, source: 'builtin' }
        : { text, handoff, capturedEmail, source: 'builtin' };
    },
  };
}

function compose(context: ReplyContext): {
  text: string;
  handoff: boolean;
  capturedEmail?: string;
} {
  const capturedEmail = capturedFollowUpEmail(context);
  if (capturedEmail !== undefined) {
    return { text: SAY.emailCaptured(capturedEmail), handoff: true, capturedEmail };
  }
  if (wantsHuman(context.text)) {
    return { text: withEmailRequest(context, SAY.handoff(verifiedName(context))), handoff: true };
  }
  switch (smallTalk(context.text, context.botName)) {
    case 'greeting':
      return { text: SAY.greeting(verifiedName(context) ?? 'there'), handoff: false };
    case 'thanks':
      return { text: SAY.thanks, handoff: false };
    case 'goodbye':
      return { text: SAY.goodbye, handoff: false };
    case undefined:
      break;
  }
  const best = context.knowledge[0];
  if (best !== undefined) return { text: answerFrom(best), handoff: false };
  return { text: withEmailRequest(context, SAY.unknown), handoff: true };
}

/** The verified name, tidied for a greeting; never a self-reported one. */
function verifiedName(context: ReplyContext): string | undefined {
  if (context.identity !== 'verified') return undefined;
  const name = context.verified?.name?.replace(/\s+/g, ' ').trim();
  return name === '' ? undefined : name;
}

function withEmailRequest(context: ReplyContext, text: string): string {
  return mayAskForEmail(context) ? `${text} ${SAY.askEmail}` : text;
}

function answerFrom(entry: KnowledgeEntry): string {
  const title = entry.title.trim();
  const body = entry.body.trim();
  if (body === '') return title;
  if (title === '' || body.toLowerCase().startsWith(title.toLowerCase())) return body;
  return `${title}\n\n${body}`;
}
