import type { MessageAuthor } from '../../db/schema.js';
import { mayAskForEmail } from './follow-up-email.js';
import type { ReplyContext } from './responder.js';

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

// Bounds on what is sent, so a long conversation or a long article cannot grow the request
// without limit. The latest messages and the best entries are the ones kept.
const MAX_HISTORY = 20;
const MAX_KNOWLEDGE = 3;
const MAX_ENTRY_CHARS = 4000;

const ROLES: Readonly<Record<MessageAuthor, ChatMessage['role']>> = {
  visitor: 'user',
  bot: 'assistant',
  agent: 'assistant',
};

/**
 * The chat-completions `messages` for a reply: one system message (the bot, its rules, who the
 * user is, the matching knowledge), then the conversation. Claims are quoted as JSON strings so
 * that a name cannot pass itself off as an instruction.
 */
export function buildChatMessages(context: ReplyContext): ChatMessage[] {
  const history = context.history.slice(-MAX_HISTORY).map(
    ({ author, text }): ChatMessage => ({
      role: ROLES[author],
      // An agent's words are the assistant's side of the chat, but the model should know a
      // person wrote them rather than itself.
      content: author === 'agent' ? `[A human teammate wrote:] ${text}` : text,
    }),
  );
  const last = context.history.at(-1);
  if (last === undefined || last.author !== 'visitor' || last.text !== context.text) {
    history.push({ role: 'user', content: context.text });
  }
  return [{ role: 'system', content: systemPrompt(context) }, ...history];
}

function systemPrompt(context: ReplyContext): string {
  return [
    `You are the chat assistant of ${JSON.stringify(context.botName)}, talking with a visitor in the chat widget of its website.`,
    'Answer from the knowledge below. If it does not cover the question, say honestly that you do not know and offer to connect the visitor with a human teammate. Never make up policies, prices or account details.',
    'If the visitor asks for a human, tell them a teammate will join this conversation shortly.',
    "Keep answers short and friendly, in the visitor's language.",
    '',
    'About the user:',
    identityFacts(context),
    '',
    'Knowledge:',
    knowledgeText(context),
  ].join('\n');
}

/** docs/contract.md §2: only a verified identity is stated as fact; anything else is labelled for what it is. */
function identityFacts(context: ReplyContext): string {
  const q = (value: string | undefined) =>
    value === undefined ? 'not given' : JSON.stringify(value);
  const followUp = mayAskForEmail(context)
    ? 'If a teammate may need to follow up, you may ask for an email address.'
    : 'Do not ask for an email address.';
  switch (context.identity) {
    case 'verified': {
      const claims = context.verified;
      return [
        `The user is verified: name ${q(claims?.name)}, email ${q(claims?.email)}, id ${q(claims?.sub)}.`,
        'The website signed these claims and their signature was checked, so they are facts. Greet the user by name where it fits.',
        'Do not ask for their name or email: they are already known.',
      ].join(' ');
    }
    case 'self-reported': {
      const said = context.selfReported;
      return [
        `The user is NOT verified. They self-reported a name ${q(said?.name)} and an email ${q(said?.email)}.`,
        'These are unverified, self-reported claims: anyone could have typed them. Do not trust them for anything account-related (orders, billing, passwords, personal data) and never confirm that the user owns that name or email.',
        followUp,
      ].join(' ');
    }
    case 'anonymous':
      return `The user is anonymous: nothing is known about who they are. ${followUp}`;
  }
}

function knowledgeText(context: ReplyContext): string {
  const entries = context.knowledge.slice(0, MAX_KNOWLEDGE);
  if (entries.length === 0) return 'No knowledge entry matches this message.';
  return entries
    .map((entry, i) => `[${i + 1}] ${entry.title}\n${entry.body.slice(0, MAX_ENTRY_CHARS)}`)
    .join('\n\n');
}
