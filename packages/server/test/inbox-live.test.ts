import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AdminClient, signedInAdmin } from './support/admin-client.js';
import { openAdminStream } from './support/inbox-seed.js';
import { type SeededBot, seedBot } from './support/test-app.js';
import { startTwoInstances, type TwoInstances } from './support/two-instances.js';
import { WidgetClient } from './support/widget-client.js';

describe('inbox live stream across instances (PostgreSQL + Redis)', () => {
  let two: TwoInstances;
  let bot: SeededBot;
  let agentOnB: AdminClient;
  let agentOnA: AdminClient;
  let clock = Date.UTC(2030, 0, 1, 9);

  before(async () => {
    two = await startTwoInstances({ now: () => clock });
    bot = await seedBot(two.a.services);
    agentOnB = await signedInAdmin(two.b.app, two.b.services, 'b@acme.test', 'agent', bot.orgId);
    agentOnA = await signedInAdmin(two.a.app, two.a.services, 'a@acme.test', 'agent', bot.orgId);
  });
  after(() => two.close());

  it("a visitor's message through instance A reaches an agent's stream on instance B, and so do the bot's reply and an agent's actions", async () => {
    const stream = await openAdminStream(two.b.url, agentOnB.cookie);
    clock += 1000;
    const visitor = new WidgetClient(two.a.app, bot);
    await visitor.startAnonymous();
    const sent = await visitor.send('hello from instance A');
    assert.equal(sent.statusCode, 200, sent.body);
    const id: string = sent.json().message.conversationId;
    const forId = () =>
      stream.events
        .filter((event) => event.event === 'conversation')
        .map((event) => JSON.parse(event.data))
        .filter((data) => data.conversationId === id);

    await stream.waitFor(() => forId().length >= 1);
    assert.deepEqual(forId()[0], { conversationId: id, lastActivityAt: clock });
    await two.a.app.replies.drain();
    await stream.waitFor(() => forId().length >= 2);

    // An action on instance A, seen on B; B's own list agrees.
    clock += 1000;
    const assigned = await agentOnA.call('POST', `/api/admin/conversations/${id}/assign`);
    assert.equal(assigned.statusCode, 200, assigned.body);
    await stream.waitFor(() => forId().length >= 3);
    const list = await agentOnB.call('GET', '/api/admin/conversations');
    assert.equal(list.json().conversations[0].id, id);
    assert.equal(list.json().conversations[0].assignee.email, 'a@acme.test');
    stream.close();
  });
});
