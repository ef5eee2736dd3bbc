// docs/contract.md §7 Inbox, in Chromium against the built dashboard under its own policy, with
// the real widget (chat_v3.js) on a host page of another origin (harness.ts): a verified visitor's
// message appears in the open inbox without a reload, badged "Verified", with the verified name and
// email marked so; the agent's reply reaches the widget live. Anonymous and self-reported
// conversations (driven through the widget API with WidgetClient against the same server, which is
// faster than a browser each) carry their badges; the "Verified" filter; the impersonation
// warning; a name holding HTML shows as text; keyboard shortcuts; no serious axe violations.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BADGE_SOURCES } from '@hilal/contract/admin-api';
import type { Locator, Page } from 'playwright-core';
import { PASSWORD, seedUser } from '../support/sign-in.js';
import { WidgetClient } from '../support/widget-client.js';
import { seriousAxeViolations, signInThroughForm, unexpectedErrors } from './dashboard-harness.js';
import { type Harness, NO_CHROMIUM, startHarness, TEST_OPTIONS } from './harness.js';
import { WAIT_MS } from './network-log.js';

const OWNER_EMAIL = 'owner@acme.test';
// From packages/server/dist/test/browser/ to the repository's docs/images/.
const SCREENSHOT = fileURLToPath(
  new URL('../../../../../docs/images/inbox-badges.png', import.meta.url),
);
const HTML_NAME = '<img src=x onerror=alert(1)>';
const VERIFIED = { sub: 'user-42', name: 'Nour Haddad', email: 'nour@example.com' };

/** A fresh context ("another browser") signed in to the dashboard, on the inbox. */
async function openInbox(
  h: Harness,
  options: { bypassCSP?: boolean } = {},
): Promise<{ page: Page; errors: string[]; dialogs: string[] }> {
  const context = await h.browser.newContext({
    viewport: { width: 1280, height: 900 },
    bypassCSP: options.bypassCSP ?? false,
  });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${h.hilalUrl}/app/sign-in`);
  await signInThroughForm(page, OWNER_EMAIL, PASSWORD);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inbox' }).click();
  await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
  return { page, errors, dialogs };
}

/** The list's row for `name` (the contact's name, email or "Anonymous visitor"). */
const row = (page: Page, name: string): Locator =>
  page
    .getByRole('list', { name: 'Conversations' })
    .getByRole('listitem')
    .filter({ has: page.getByRole('link', { name }) });

/** The badge inside `scope`: its visible text (after its icon) and its tooltip. */
async function badgeOf(scope: Locator): Promise<{ text: string; title: string | null }> {
  const badge = scope.locator('.identity-badge').first();
  return {
    // biome-ignore lint/performance/useDomNodeTextContent: the visible text, not the hidden description
    text: (await badge.innerText()).replace(/^\W+/, '').trim(),
    title: await badge.getAttribute('title'),
  };
}

/** A contact-panel detail: its value and its mark ("verified", "self-reported"). */
async function detail(page: Page, label: string): Promise<string> {
  const panel = page.getByRole('complementary', { name: 'Contact' });
  const term = panel.locator('dt', { hasText: new RegExp(`^${label}$`) });
  return ((await term.locator('xpath=following-sibling::dd[1]').textContent()) ?? '').trim();
}

describe('the inbox in the dashboard, in a browser', { skip: NO_CHROMIUM }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await seedUser(h.hilal.services, OWNER_EMAIL, 'owner', h.bot.orgId);
  });
  after(() => h?.close());

  it(
    "the customer guide's journey: a verified visitor's message appears in the open inbox without a reload, badged and marked verified; the agent's reply reaches the widget",
    TEST_OPTIONS,
    async () => {
      const { page, errors } = await openInbox(h);
      await page.getByText('No conversations match these filters.').waitFor();
      assert.equal(await page.title(), 'Inbox · Hilal');

      const w = await h.open(
        h.hostPage(`<p>My account</p>${h.scriptTag({ 'user-token': h.token(VERIFIED) })}`),
      );
      try {
        await w.waitForState({ identity: 'verified' });
        await w.send('Hello, where is my order?');

        // No reload: the events stream refetches the list.
        const nour = row(page, VERIFIED.name);
        await nour.waitFor();
        assert.deepEqual(await badgeOf(nour), {
          text: 'Verified',
          title: BADGE_SOURCES.verified,
        });
        assert.match((await nour.textContent()) ?? '', /Unread/);
        await page.waitForFunction(`document.title === '(1) Inbox · Hilal'`);

        await nour.getByRole('link', { name: VERIFIED.name }).click();
        const header = page.getByRole('region', { name: VERIFIED.name });
        await header.getByRole('heading', { name: VERIFIED.name, level: 2 }).waitFor();
        assert.equal((await badgeOf(header)).text, 'Verified');
        const panel = page.getByRole('complementary', { name: 'Contact' });
        assert.equal((await badgeOf(panel)).text, 'Verified');
        assert.equal(await detail(page, 'User id'), 'user-42 verified');
        assert.equal(await detail(page, 'Name'), 'Nour Haddad verified');
        assert.equal(await detail(page, 'Email'), 'nour@example.com verified');
        const messages = page.getByRole('list', { name: 'Messages' });
        const visitorMessage = messages
          .getByRole('listitem')
          .filter({ hasText: 'Hello, where is my order?' });
        assert.match((await visitorMessage.textContent()) ?? '', /Visitor · verified/);
        await messages.getByRole('listitem').filter({ hasText: /^Bot/ }).first().waitFor();

        // Opening it read it.
        await page.waitForFunction(`document.title === 'Inbox · Hilal'`);
        assert.doesNotMatch((await nour.textContent()) ?? '', /Unread/);

        // "Reply": Enter sends, Shift+Enter is a new line.
        const reply = page.getByRole('textbox', { name: 'Reply' });
        await reply.fill('Hi Nour, it ships today.');
        await reply.press('Shift+Enter');
        await reply.pressSequentially('Anything else?');
        assert.equal(await reply.inputValue(), 'Hi Nour, it ships today.\nAnything else?');
        await reply.press('Enter');
        await messages.getByRole('listitem').filter({ hasText: 'Anything else?' }).waitFor();
        assert.equal(await reply.inputValue(), '');

        await w.openPanel();
        await w.page
          .locator('hilal-chat li .bubble', { hasText: 'Hi Nour, it ships today.' })
          .waitFor();

        await page.getByRole('button', { name: 'Assign to me' }).click();
        await header.getByText(`Assigned to ${OWNER_EMAIL}`).waitFor();
        await page.getByRole('button', { name: 'Unassign' }).click();
        await header.getByText('Unassigned', { exact: true }).waitFor();
        w.assertNoPageErrors();
      } finally {
        await w.close();
      }
      assert.deepEqual(unexpectedErrors(errors), []);
      await page.context().close();
    },
  );

  it(
    'anonymous and self-reported conversations carry their badges; "Verified" shows only verified ones; a self-reported copy of a verified email warns; HTML in a name is text; no serious axe violations',
    TEST_OPTIONS,
    async () => {
      const anonymous = new WidgetClient(h.hilal.app, h.bot);
      await anonymous.startAnonymous();
      assert.equal((await anonymous.send('hi, anyone there?')).statusCode, 200);
      const impostor = new WidgetClient(h.hilal.app, h.bot);
      await impostor.startAnonymous({ name: HTML_NAME, email: VERIFIED.email });
      assert.equal((await impostor.send('I am Nour, reset my password')).statusCode, 200);
      await h.hilal.app.replies.drain();

      const { page, errors, dialogs } = await openInbox(h, { bypassCSP: true });
      const anonymousRow = row(page, 'Anonymous visitor');
      const impostorRow = row(page, HTML_NAME);
      await anonymousRow.waitFor();
      assert.deepEqual(await badgeOf(anonymousRow), {
        text: 'Anonymous',
        title: BADGE_SOURCES.anonymous,
      });
      assert.deepEqual(await badgeOf(impostorRow), {
        text: 'Self-reported',
        title: BADGE_SOURCES['self-reported'],
      });
      // The name is text: no <img> was made of it, and its onerror never ran.
      assert.equal(await page.locator('main img').count(), 0);

      // Counts in the labels; "Verified" shows only the verified one.
      const filters = page.getByRole('form', { name: 'Filter conversations' });
      await filters.getByRole('radio', { name: 'Verified (1)' }).check();
      await row(page, 'Anonymous visitor').waitFor({ state: 'detached' });
      await row(page, VERIFIED.name).waitFor();
      const rows = page.getByRole('list', { name: 'Conversations' }).getByRole('listitem');
      assert.equal(await rows.count(), 1);
      assert.equal((await badgeOf(rows.first())).text, 'Verified');
      await filters.getByRole('radio', { name: 'Any' }).check();
      await impostorRow.waitFor();
      assert.ok(await filters.getByRole('radio', { name: 'Self-reported (1)' }).isVisible());
      assert.ok(await filters.getByRole('radio', { name: 'Anonymous (1)' }).isVisible());

      await impostorRow.getByRole('link').click();
      const panel = page.getByRole('complementary', { name: 'Contact' });
      await panel
        .getByText('This self-reported email belongs to a verified user of this chatbot')
        .waitFor();
      assert.equal(await detail(page, 'Name'), `${HTML_NAME} self-reported`);
      assert.equal(await detail(page, 'Email'), `${VERIFIED.email} self-reported`);
      assert.equal((await badgeOf(panel)).text, 'Self-reported');
      await page.getByRole('heading', { name: HTML_NAME, level: 2 }).waitFor();
      assert.equal(await page.locator('main img').count(), 0);

      // Search by email: the verified contact and the impostor share it; by name, only one.
      await filters.getByRole('searchbox', { name: 'Search' }).fill('Haddad');
      await impostorRow.waitFor({ state: 'detached' });
      await row(page, VERIFIED.name).waitFor();
      await filters.getByRole('searchbox', { name: 'Search' }).fill('');
      await impostorRow.waitFor();

      assert.deepEqual(await seriousAxeViolations(page), []);
      await page.evaluate('document.activeElement?.blur()');
      await page.screenshot({ path: SCREENSHOT, animations: 'disabled', caret: 'hide' });
      assert.deepEqual(dialogs, [], 'no script ran from a name');
      assert.deepEqual(unexpectedErrors(errors), []);
      await page.context().close();
    },
  );

  it(
    'keyboard shortcuts: j and k move, r focuses Reply, e closes, ? lists them; not while typing',
    TEST_OPTIONS,
    async () => {
      const { page } = await openInbox(h);
      const list = page.getByRole('list', { name: 'Conversations' });
      await list.getByRole('listitem').first().waitFor();
      const conversationIn = (href: string | null) =>
        new URL(href ?? '', h.hilalUrl).searchParams.get('conversation');
      const links = list.getByRole('link');
      const first = conversationIn(await links.nth(0).getAttribute('href'));
      const second = conversationIn(await links.nth(1).getAttribute('href'));
      const opened = (id: string | null) =>
        page.waitForURL((url) => url.searchParams.get('conversation') === id);

      await page.keyboard.press('j');
      await opened(first);
      await page.keyboard.press('j');
      await opened(second);
      await page.keyboard.press('k');
      await opened(first);
      await page.getByRole('textbox', { name: 'Reply' }).waitFor();
      await page.keyboard.press('r');
      const reply = page.getByRole('textbox', { name: 'Reply' });
      // The key is handled after the press returns: wait for the focus to arrive, not a moment.
      await page.waitForFunction("document.activeElement?.id === 'inbox-reply'");
      // Typing in a field is typing: "e" and "?" are letters there.
      await reply.pressSequentially('e?');
      assert.equal(await reply.inputValue(), 'e?');
      assert.equal(await page.getByRole('dialog').count(), 0);
      await reply.fill('');
      await page.evaluate('document.activeElement?.blur()');

      await page.keyboard.press('?');
      const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await dialog.waitFor();
      assert.match((await dialog.textContent()) ?? '', /jNext conversation/);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });

      await page.keyboard.press('e');
      await page.getByRole('button', { name: 'Reopen' }).waitFor();
      await page.getByRole('button', { name: 'Reopen' }).click();
      await page.getByRole('button', { name: 'Close', exact: true }).waitFor();
      await page.context().close();
    },
  );
});
