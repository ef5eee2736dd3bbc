import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signHs256 } from '../src/identity/sign-hs256.js';
import { DIALECTS } from './support/databases.js';
import { openStream } from './support/sse.js';
import { type SeededBot, seedBot, startTestApp, type TestApp } from './support/test-app.js';
import { startTwoInstances } from './support/two-instances.js';
import { WidgetClient } from './support/widget-client.js';

// Regression (attack review, weakness 1): a verified stream kept receiving messages after logout,
// after the secret was saved again and after the token's exp, since the session was checked only
// when the stream opened and pings kept it open forever.

const sessionEnded = (event: { event: string }) => event.event === 'session_ended';

function tokenFor(bot: SeededBot, sub: string, nowMs: number, ttlS = 600): string {
  return signHs256(bot.secret ?? '', { sub, name: 'Sami', exp: Math.floor(nowMs / 1000) + ttlS });
}

for (const dialect of DIALECTS) {
  describe(`a live stream ends with its session (${dialect})`, () => {
    let t: TestApp;
    let url: string;
    let clock = Date.now();

    before(async () => {
      // The periodic check runs often here, so an advanced clock is noticed at once.
      t = await startTestApp(dialect, {}, { now: () => clock }, { streams: { checkMs: 20 } });
      url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    });
    after(() => t.close());

    async function verifiedStream(ttlS = 600) {
      const bot = await seedBot(t.services);
      const visitor = new WidgetClient(t.app, bot);
      const res = await visitor.verify(tokenFor(bot, 'stream-user', clock, ttlS));
      assert.equal(res.statusCode, 200, res.body);
      const stream = await openStream(url, visitor.session ?? '');
      return { bot, visitor, stream };
    }

    async function endedWith(stream: Awaited<ReturnType<typeof openStream>>, reason: string) {
      const event = await stream.waitFor(sessionEnded);
      assert.deepEqual(JSON.parse(event.data), { reason });
      await stream.ended;
    }

    it('ends after logout', async () => {
      const { visitor, stream } = await verifiedStream();
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/chat/logout',
        headers: visitor.chatHeaders(),
      });
      assert.equal(res.statusCode, 204);
      await endedWith(stream, 'logout');
    });

    it('ends when the secret is saved again', async () => {
      const { bot, stream } = await verifiedStream();
      await t.services.secrets.rotate(bot.orgId, bot.botId, 'test');
      await endedWith(stream, 'secret_changed');
    });

    it('ends when the secret is cleared', async () => {
      const { bot, stream } = await verifiedStream();
      await t.services.secrets.clear(bot.orgId, bot.botId, 'test');
      await endedWith(stream, 'secret_changed');
    });

    it("ends when the token's exp passes", async () => {
      const { stream } = await verifiedStream(120);
      clock += 121_000;
      await endedWith(stream, 'expired');
    });

    it('ends after an hour at most, anonymous too, and the widget may reconnect', async () => {
      const bot = await seedBot(t.services);
      const visitor = new WidgetClient(t.app, bot);
      await visitor.startAnonymous();
      const stream = await openStream(url, visitor.session ?? '');
      clock += 3600_000;
      await endedWith(stream, 'max_age');
      const again = await openStream(url, visitor.session ?? '');
      again.close();
    });

    it('stays open and delivers while the session holds', async () => {
      const { visitor, stream } = await verifiedStream();
      const sent = await visitor.send('still here');
      assert.equal(sent.statusCode, 200);
      await stream.waitFor(
        (e) => e.event === 'message' && JSON.parse(e.data).text === 'still here',
      );
      assert.equal(stream.events.filter(sessionEnded).length, 0);
      stream.close();
    });
  });
}

describe('a live stream ends with its session on another instance (PostgreSQL + Redis)', () => {
  let both: Awaited<ReturnType<typeof startTwoInstances>>;
  before(async () => {
    // A check period far beyond the test: only the news carried by Redis can end the stream.
    both = await startTwoInstances({ appOptions: { streams: { checkMs: 600_000 } } });
  });
  after(() => both.close());

  async function verifiedOnBoth() {
    const bot = await seedBot(both.a.services);
    const onA = new WidgetClient(both.a.app, bot);
    assert.equal((await onA.verify(tokenFor(bot, 'two-instances', Date.now()))).statusCode, 200);
    const stream = await openStream(both.b.url, onA.session ?? '');
    return { bot, onA, stream };
  }

  it('logout on instance A ends the stream on instance B', async () => {
    const { onA, stream } = await verifiedOnBoth();
    const res = await both.a.app.inject({
      method: 'POST',
      url: '/api/chat/logout',
      headers: onA.chatHeaders(),
    });
    assert.equal(res.statusCode, 204);
    const event = await stream.waitFor(sessionEnded);
    assert.deepEqual(JSON.parse(event.data), { reason: 'logout' });
    await stream.ended;
  });

  it('a secret saved on instance A ends the verified stream on instance B', async () => {
    const { bot, stream } = await verifiedOnBoth();
    await both.a.services.secrets.rotate(bot.orgId, bot.botId, 'test');
    const event = await stream.waitFor(sessionEnded);
    assert.deepEqual(JSON.parse(event.data), { reason: 'secret_changed' });
    await stream.ended;
  });
});
