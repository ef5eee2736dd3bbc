import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBuiltinResponder } from './builtin-responder.js';
import type { ReplyContext } from './responder.js';

const SHIPPING = {
  id: 'kb_shipping',
  title: 'Shipping times',
  body: 'Orders ship within 2 business days.',
};
const VERIFIED = {
  identity: 'verified',
  verified: { sub: 'user-1', name: 'Ada Lovelace', email: 'ada@example.com' },
} as const;
const SELF_REPORTED = {
  identity: 'self-reported',
  selfReported: { name: 'Sam', email: 'sam@example.com' },
} as const;

function context(text: string, overrides: Partial<ReplyContext> = {}): ReplyContext {
  return {
    botName: 'Acme Help',
    identity: 'anonymous',
    history: [{ author: 'visitor', text }],
    text,
    knowledge: [],
    ...overrides,
  };
}

interface Expected {
  readonly text?: string;
  readonly includes?: readonly string[];
  /** Never in the reply. */
  readonly excludes?: readonly RegExp[];
  readonly handoff: boolean;
  readonly capturedEmail?: string;
}

const ASKS_FOR_EMAIL = /email/i;

// [what, context, expected]
const rows: Array<[string, ReplyContext, Expected]> = [
  [
    'greets a verified user by the verified name',
    context('Hello!', VERIFIED),
    { text: 'Hi Ada Lovelace! How can I help you today?', handoff: false },
  ],
  [
    'greets an anonymous visitor without a name',
    context('hi there 👋'),
    { text: 'Hi there! How can I help you today?', handoff: false },
  ],
  [
    'never uses a self-reported name as if it were known',
    context('Hey', SELF_REPORTED),
    { text: 'Hi there! How can I help you today?', excludes: [/Sam/], handoff: false },
  ],
  [
    'greets a salam, with the bot named',
    context('Assalamu alaikum, Acme Help', VERIFIED),
    { text: 'Hi Ada Lovelace! How can I help you today?', handoff: false },
  ],
  [
    'answers from the best knowledge entry',
    context('How long does shipping take?', { knowledge: [SHIPPING] }),
    { text: 'Shipping times\n\nOrders ship within 2 business days.', handoff: false },
  ],
  [
    'answers a question that starts with a greeting',
    context('Hi, how long does shipping take?', { ...VERIFIED, knowledge: [SHIPPING] }),
    { includes: [SHIPPING.body], handoff: false },
  ],
  [
    'hands a verified user off without asking for an email',
    context('Can I talk to a human?', VERIFIED),
    { includes: ['teammate', 'Ada Lovelace'], excludes: [ASKS_FOR_EMAIL], handoff: true },
  ],
  [
    'hands off a verified user it cannot answer without asking for an email',
    context('Do you sell spaceships?', VERIFIED),
    { includes: ["don't know", 'teammate'], excludes: [ASKS_FOR_EMAIL], handoff: true },
  ],
  [
    'asks an anonymous visitor for an email on handoff',
    context('I want to speak to someone'),
    { includes: ['teammate', 'email address'], handoff: true },
  ],
  [
    'asks an anonymous visitor it cannot answer for an email',
    context('Do you sell spaceships?'),
    { includes: ["don't know", 'email address'], handoff: true },
  ],
  [
    'prefers a request for a human over a knowledge answer',
    context('Shipping is late, get me a real person', { knowledge: [SHIPPING] }),
    { includes: ['teammate'], excludes: [/Orders ship/], handoff: true },
  ],
  [
    'does not ask again once an email was left',
    context('agent please', { followUpEmail: 'visitor@example.com' }),
    { includes: ['teammate'], excludes: [ASKS_FOR_EMAIL], handoff: true },
  ],
  [
    'does not ask a self-reported visitor who gave an email',
    context('representative', SELF_REPORTED),
    { excludes: [ASKS_FOR_EMAIL, /Sam/], handoff: true },
  ],
  [
    'captures an email an anonymous visitor leaves',
    context('Sure, it is visitor@example.org.'),
    {
      includes: ['Thanks', 'visitor@example.org'],
      handoff: true,
      capturedEmail: 'visitor@example.org',
    },
  ],
  [
    'captures an email a self-reported visitor leaves',
    context('reach me at other@example.net', SELF_REPORTED),
    { handoff: true, capturedEmail: 'other@example.net' },
  ],
  [
    "captures nothing from a verified user's message",
    context('My colleague is bob@example.com', VERIFIED),
    { excludes: [ASKS_FOR_EMAIL], handoff: true },
  ],
  [
    'says you are welcome to thanks',
    context('thanks a lot!'),
    { text: "You're welcome! Is there anything else I can help you with?", handoff: false },
  ],
];

describe('createBuiltinResponder', () => {
  for (const [what, ctx, expected] of rows) {
    it(what, async () => {
      const deltas: string[] = [];
      const reply = await createBuiltinResponder().reply(ctx, { delta: (t) => deltas.push(t) });

      assert.equal(reply.source, 'builtin');
      assert.equal(reply.handoff, expected.handoff);
      assert.equal(reply.capturedEmail, expected.capturedEmail);
      assert.equal(deltas.join(''), reply.text);
      if (expected.text !== undefined) assert.equal(reply.text, expected.text);
      for (const part of expected.includes ?? []) assert.ok(reply.text.includes(part), reply.text);
      for (const pattern of expected.excludes ?? []) assert.doesNotMatch(reply.text, pattern);
    });
  }
});
