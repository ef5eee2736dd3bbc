import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOrganization } from '../src/accounts/organizations-repository.js';
import { createChatbot } from '../src/bots/chatbots-repository.js';
import { signedInAdmin } from './support/admin-client.js';
import { startTwoInstances, type TwoInstances } from './support/two-instances.js';
import { WidgetClient } from './support/widget-client.js';

describe('knowledge edited on one instance answers on the other', () => {
  let two: TwoInstances;
  let bot: { orgId: string; botId: string; secret: undefined };

  before(async () => {
    two = await startTwoInstances();
    const { services } = two.a;
    const org = await createOrganization(services.db, 'Acme', services.now());
    const chatbot = await createChatbot(services.db, org.id, 'Support', services.now());
    bot = { orgId: org.id, botId: chatbot.id, secret: undefined };
  });
  after(() => two.close());

  /** The bot's answer on instance B to a new visitor's question. */
  const answerOnB = async (question: string) => {
    const widget = new WidgetClient(two.b.app, bot);
    await widget.startAnonymous();
    const history = await widget.sendAndAwaitReply(question);
    return history.messages.at(-1)?.text ?? '';
  };

  it('B rebuilds its index when an entry is added, edited or deleted through A', async () => {
    const admin = await signedInAdmin(
      two.a.app,
      two.a.services,
      'owner@acme.test',
      'owner',
      bot.orgId,
    );
    const knowledge = `/api/admin/bots/${bot.botId}/knowledge`;
    const added = await admin.call('POST', knowledge, {
      title: 'Shipping times',
      body: 'Orders ship within 2 business days.',
    });
    assert.equal(added.statusCode, 201, added.body);
    assert.match(await answerOnB('How long does shipping take?'), /within 2 business days/);

    // B has built its index now; the edit on A must reach it.
    const entryId = added.json().id;
    const edited = await admin.call('PATCH', `${knowledge}/${entryId}`, {
      body: 'Orders ship within 5 business days.',
    });
    assert.equal(edited.statusCode, 200, edited.body);
    const answer = await answerOnB('How long does shipping take?');
    assert.match(answer, /within 5 business days/);
    assert.doesNotMatch(answer, /2 business days/);

    const deleted = await admin.call('DELETE', `${knowledge}/${entryId}`);
    assert.equal(deleted.statusCode, 204, deleted.body);
    assert.doesNotMatch(await answerOnB('How long does shipping take?'), /business days/);
  });
});
