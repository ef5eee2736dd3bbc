import { ChatMessage, IdentitySource } from '@hilal/contract';
import { Type } from '@sinclair/typebox';

const closed = { additionalProperties: false } as const;
const Text = Type.Union([Type.String(), Type.Null()]);

/** A conversation as the inbox lists it: its badge, and the contact as far as it is known. */
export const InboxConversation = Type.Object(
  {
    id: Type.String(),
    botId: Type.String(),
    contactId: Type.String(),
    status: Type.Union([Type.Literal('bot'), Type.Literal('human'), Type.Literal('closed')]),
    badge: IdentitySource,
    lastActivityAt: Type.Integer(),
    contact: Type.Union([
      Type.Object(
        {
          kind: Type.Literal('verified'),
          verifiedClaims: Type.Object({ sub: Text, name: Text, email: Text }, closed),
        },
        closed,
      ),
      Type.Object(
        {
          kind: Type.Literal('visitor'),
          selfReported: Type.Object({ name: Text, email: Text }, closed),
        },
        closed,
      ),
    ]),
  },
  closed,
);

export const ConversationParams = Type.Object({ conversationId: Type.String({ maxLength: 64 }) });
// Query strings are text: type coercion is off app-wide, so the number is matched as text.
export const InboxListQuery = Type.Object({
  limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })),
});
export const InboxList = Type.Object({ conversations: Type.Array(InboxConversation) }, closed);
export const InboxThread = Type.Object(
  { conversation: InboxConversation, messages: Type.Array(ChatMessage) },
  closed,
);
export const AgentReplyBody = Type.Object({ text: Type.String({ minLength: 1 }) });
export const AgentReplyResponse = Type.Object({ message: ChatMessage }, closed);
export const ClosedResponse = Type.Object({ conversation: InboxConversation }, closed);
