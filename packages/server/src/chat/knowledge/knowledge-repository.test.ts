import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createTestEnvironment,
  DIALECTS,
  type TestEnvironment,
} from '../../../test/support/databases.js';
import { createOrganization } from '../../accounts/organizations-repository.js';
import { createChatbot } from '../../bots/chatbots-repository.js';
import { type DatabaseHandle, openDatabase } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { isId } from '../../ids.js';
import { addKnowledgeEntry, listKnowledgeEntries } from './knowledge-repository.js';

const NOW = 1_800_000_000_000;

for (const dialect of DIALECTS) {
  describe(`knowledge repository (${dialect})`, () => {
    let env: TestEnvironment;
    let handle: DatabaseHandle;

    before(async () => {
      env = await createTestEnvironment(dialect);
      handle = openDatabase(env.databaseUrl);
      await migrateToLatest(handle.db, { dialect });
    });
    after(async () => {
      await handle?.destroy();
      await env?.cleanup();
    });

    it('adds entries to a bot and lists them oldest first', async () => {
      const org = await createOrganization(handle.db, 'Acme', NOW);
      const bot = await createChatbot(handle.db, org.id, 'Helper', NOW);
      const ids = { organizationId: org.id, chatbotId: bot.id };
      const second = await addKnowledgeEntry(handle.db, { ...ids, title: 'B', body: 'b' }, NOW + 1);
      const first = await addKnowledgeEntry(handle.db, { ...ids, title: 'A', body: 'a' }, NOW);
      assert.ok(first && second);
      assert.ok(isId('kb', first.id));
      assert.deepEqual(await listKnowledgeEntries(handle.db, org.id, bot.id), [first, second]);
    });

    it("stores nothing for another organization's bot, and lists nothing across organizations", async () => {
      const acme = await createOrganization(handle.db, 'Acme', NOW);
      const other = await createOrganization(handle.db, 'Other', NOW);
      const bot = await createChatbot(handle.db, acme.id, 'Helper', NOW);
      await addKnowledgeEntry(
        handle.db,
        { organizationId: acme.id, chatbotId: bot.id, title: 'Hours', body: '9–5' },
        NOW,
      );

      const foreign = await addKnowledgeEntry(
        handle.db,
        { organizationId: other.id, chatbotId: bot.id, title: 'Injected', body: 'x' },
        NOW,
      );
      assert.equal(foreign, undefined);
      assert.deepEqual(await listKnowledgeEntries(handle.db, other.id, bot.id), []);
      assert.deepEqual(
        (await listKnowledgeEntries(handle.db, acme.id, bot.id)).map((e) => e.title),
        ['Hours'],
      );
    });
  });
}
