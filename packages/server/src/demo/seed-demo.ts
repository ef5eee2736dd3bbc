import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createOrganization } from '../accounts/organizations-repository.js';
import { hashPassword } from '../accounts/password-hash.js';
import { createUser } from '../accounts/users-repository.js';
import { createChatbot } from '../bots/chatbots-repository.js';
import { addKnowledgeEntry } from '../chat/knowledge/knowledge-repository.js';
import type { AppServices } from '../services.js';

export const DEMO_FILE = 'demo.json';
export const DEMO_OWNER_EMAIL = 'owner@demo.hilal.test';

export interface DemoIds {
  readonly orgId: string;
  readonly botId: string;
}

const KNOWLEDGE = [
  {
    title: 'Shipping times',
    body: 'Orders ship within 2 business days. Delivery takes 3–5 business days in Europe and 5–8 elsewhere.',
  },
  {
    title: 'Returns and refunds',
    body: 'You can return any item within 30 days for a full refund. Start a return from Orders → Return an item.',
  },
  {
    title: 'Reset your password',
    body: 'Use “Forgot password” on the sign-in page; the reset link is valid for one hour.',
  },
  {
    title: 'Opening hours of support',
    body: 'Our team answers Monday to Friday, 9:00–18:00 CET. The bot is here around the clock.',
  },
];

/**
 * On an empty database, creates once: a demo organization, a bot with its own secret and a few
 * knowledge entries, and an owner whose password is printed once (README: `npm start` on a fresh
 * clone). Its ids (never its secret) are kept in `<dataDir>/demo.json` for the demo page.
 */
export async function seedDemo(
  services: AppServices,
  print: (text: string) => void,
): Promise<DemoIds | undefined> {
  const file = path.join(services.config.dataDir, DEMO_FILE);
  const existing = readDemoIds(file);
  if (existing) return existing;
  const anyOrganization = await services.db
    .selectFrom('organizations')
    .select('id')
    .executeTakeFirst();
  if (anyOrganization) return undefined;

  const now = services.now();
  const org = await createOrganization(services.db, 'Demo Company', now);
  const bot = await createChatbot(services.db, org.id, 'Demo Support', now, {
    title: 'Demo Company support',
    welcome: 'Hi! Ask me about shipping, returns or your password.',
  });
  await services.secrets.rotate(org.id, bot.id, 'demo setup');
  for (const entry of KNOWLEDGE) {
    await addKnowledgeEntry(
      services.db,
      { organizationId: org.id, chatbotId: bot.id, ...entry },
      now,
    );
  }
  const password = randomBytes(12).toString('base64url');
  await createUser(
    services.db,
    {
      organizationId: org.id,
      email: DEMO_OWNER_EMAIL,
      passwordHash: await hashPassword(password),
      role: 'owner',
    },
    now,
  );
  const ids = { orgId: org.id, botId: bot.id };
  fs.writeFileSync(file, `${JSON.stringify(ids)}\n`, { mode: 0o600 });
  print(
    [
      '',
      'Hilal demo created (shown once):',
      `  organization  ${org.id}`,
      `  chatbot       ${bot.id}`,
      `  owner         ${DEMO_OWNER_EMAIL}`,
      `  password      ${password}`,
      '',
    ].join('\n'),
  );
  return ids;
}

function readDemoIds(file: string): DemoIds | undefined {
  try {
    const value: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { orgId, botId } = value as Record<string, unknown>;
    return typeof orgId === 'string' && typeof botId === 'string' ? { orgId, botId } : undefined;
  } catch {
    return undefined;
  }
}
