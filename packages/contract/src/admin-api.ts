// The JSON that the dashboard and the server's admin API exchange (docs/contract.md §7), described
// once, like widget-api.ts. The server validates and serializes with these schemas; the dashboard
// imports only their types (`import type`, erased by the bundler), so its API client is checked
// against what the server sends and cannot drift from it.
import { type Static, Type } from '@sinclair/typebox';

const closed = { additionalProperties: false } as const;

/** docs/contract.md §7: owner (everything), admin (chatbots), agent (the inbox). */
export const ADMIN_ROLES = ['owner', 'admin', 'agent'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];
export const AdminRole = Type.Unsafe<AdminRole>(
  Type.Union(ADMIN_ROLES.map((role) => Type.Literal(role))),
);

/** `POST /api/auth/login` */
export const SignInBody = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 320 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type SignInBody = Static<typeof SignInBody>;

/** The signed-in dashboard user. */
export const AdminUser = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    role: AdminRole,
    organizationId: Type.String(),
  },
  closed,
);
export type AdminUser = Static<typeof AdminUser>;

/** `POST /api/auth/login` and `GET /api/auth/me` */
export const AdminUserResponse = Type.Object({ user: AdminUser }, closed);
export type AdminUserResponse = Static<typeof AdminUserResponse>;
