import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DIALECTS } from '../../test/support/databases.js';
import { seedBot, startTestApp, type TestApp } from '../../test/support/test-app.js';
import { createBotCounters } from './bot-counters.js';
import { createChatbot } from './chatbots-repository.js';

const HOUR_MS = 3600 * 1000;
const NOW = 1_800_000_000_000;

for (const dialect of DIALECTS) {
  describe(`bot counters (${dialect})`, () => {
    let t: TestApp;
    let orgId: string;
    let botId: string;

    before(async () => {
      t = await startTestApp(dialect);
      ({ orgId, botId } = await seedBot(t.services, false));
    });
    after(() => t.close());

    async function counts(chatbotId: string): Promise<Record<string, number>> {
      const rows = await t.services.db
        .selectFrom('bot_counters')
        .select(['metric', 'bucket_start', 'count'])
        .where('chatbot_id', '=', chatbotId)
        .execute();
      return Object.fromEntries(
        rows.map((row) => [`${row.metric}@${(row.bucket_start - NOW) / HOUR_MS}`, row.count]),
      );
    }

    it('adds each flush to what is stored, per metric and hour', async () => {
      let clock = NOW;
      const counters = createBotCounters(t.services.db, () => clock);
      counters.add(orgId, botId, 'verify:verified');
      counters.add(orgId, botId, 'verify:verified');
      counters.add(orgId, botId, 'verify:expired:expired');
      await counters.flush();
      counters.add(orgId, botId, 'verify:verified');
      clock += HOUR_MS;
      counters.add(orgId, botId, 'verify:verified');
      await counters.flush();
      await counters.flush(); // nothing pending: writes nothing
      assert.deepEqual(await counts(botId), {
        'verify:verified@0': 3,
        'verify:expired:expired@0': 1,
        'verify:verified@1': 1,
      });
    });

    it('writes a batch larger than one statement in one transaction, or none of it', async () => {
      // The missing bot fails the last statement of the batch; the first must roll back with it.
      const late = 'bot_000000000000000000000001';
      const counters = createBotCounters(t.services.db, () => NOW);
      const { id: bot } = await createChatbot(t.services.db, orgId, 'Busy', NOW);
      for (let i = 0; i < 1500; i++) counters.add(orgId, bot, `metric:${i}`);
      counters.add(orgId, late, 'verify:verified');
      await assert.rejects(counters.flush());
      assert.deepEqual(await counts(bot), {}, 'nothing half-written');

      // What arrives meanwhile joins the batch that was put back; nothing is lost.
      counters.add(orgId, bot, 'metric:0');
      counters.add(orgId, late, 'verify:verified');
      await t.services.db
        .insertInto('chatbots')
        .values({ id: late, organization_id: orgId, name: 'Late', settings: '{}', created_at: NOW })
        .execute();
      await counters.flush();
      const written = await counts(bot);
      assert.equal(Object.keys(written).length, 1500);
      assert.equal(written['metric:0@0'], 2);
      assert.equal(written['metric:1499@0'], 1);
      assert.deepEqual(await counts(late), { 'verify:verified@0': 2 });
    });
  });
}
