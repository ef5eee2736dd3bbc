import { Type } from '@sinclair/typebox';

// The bodies and responses are the contract's (packages/contract/src/admin-api.ts), which the
// dashboard's client is checked against; only the path parameters are the server's own.
export const ConversationParams = Type.Object({ conversationId: Type.String({ maxLength: 64 }) });
