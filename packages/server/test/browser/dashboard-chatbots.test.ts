// docs/contract.md §7 Chatbots, in Chromium against the built dashboard under its own policy:
// "New chatbot", the tabs "Basic", "Appearance" and "Install" (by keyboard too), the server's
// per-field errors next to the fields, knowledge entries, the real widget in the preview, and
// the install code with this chatbot's ids. Also writes the screenshot the README shows.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import {
  type DashboardHarness,
  focusedText,
  OWNER_EMAIL,
  openSignedIn,
  PASSWORD,
  seriousAxeViolations,
  startDashboardHarness,
  unexpectedErrors,
} from './dashboard-harness.js';
import { NO_CHROMIUM, TEST_OPTIONS } from './harness.js';

// From packages/server/dist/test/browser/ to the repository's docs/images/.
const SCREENSHOT = fileURLToPath(
  new URL('../../../../../docs/images/dashboard-chatbot-basic.png', import.meta.url),
);

/** Creates a chatbot through "New chatbot" and returns its id, from the address it lands on. */
async function createChatbot(page: Page, name: string): Promise<string> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Chatbots' })
    .click();
  await page.getByRole('heading', { name: 'Chatbots', level: 1 }).waitFor();
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByRole('button', { name: 'New chatbot' }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
  const botId = /\/app\/chatbots\/(bot_[A-Za-z0-9]+)/.exec(page.url())?.[1];
  assert.ok(botId, page.url());
  return botId;
}

describe('chatbots in the dashboard, in a browser', { skip: NO_CHROMIUM }, () => {
  let h: DashboardHarness;
  before(async () => {
    h = await startDashboardHarness();
  });
  after(() => h?.close());

  it(
    'creates a chatbot and saves its Basic settings, showing the server’s field errors next to the fields',
    TEST_OPTIONS,
    async () => {
      const { page, errors } = await openSignedIn(h, OWNER_EMAIL);
      const botId = await createChatbot(page, 'Support bot');
      const basic = page.getByRole('tab', { name: 'Basic' });
      assert.equal(await basic.getAttribute('aria-selected'), 'true');
      const panel = page.getByRole('tabpanel', { name: 'Basic' });
      await panel.waitFor();
      await panel
        .getByRole('region', { name: 'Widget Security' })
        .getByRole('button', { name: 'Regenerate' })
        .waitFor();

      await panel.getByRole('textbox', { name: 'Welcome message' }).fill('Hello {name}, ask away!');
      await panel.getByText('is replaced by the user’s verified name only').waitFor();
      const origins = panel.getByRole('textbox', { name: 'Allowed origins' });
      await origins.fill('https://shop.example.com\nnot an origin');
      await panel.getByRole('radio', { name: 'Required' }).check();
      await panel.getByRole('button', { name: 'Save' }).click();

      await panel.getByRole('alert').filter({ hasText: 'Not saved' }).waitFor();
      await panel.getByText('Line 2: Use an origin like https://www.example.com').waitFor();
      assert.equal(await origins.getAttribute('aria-invalid'), 'true');
      const describedBy = String(await origins.getAttribute('aria-describedby'));
      const described = (
        await Promise.all(
          describedBy.split(' ').map((id) => page.locator(`[id="${id}"]`).textContent()),
        )
      ).join(' ');
      assert.match(
        described,
        /Line 2: Use an origin/,
        'the error is part of the field’s description',
      );

      await origins.fill('https://shop.example.com\nhttps://www.example.com/');
      await panel.getByRole('button', { name: 'Save' }).click();
      await panel.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      assert.equal(await origins.getAttribute('aria-invalid'), null);

      const saved = await page.request.get(`${h.url}/api/admin/bots/${botId}`);
      const settings = (await saved.json()).settings;
      assert.deepEqual(settings.allowedOrigins, [
        'https://shop.example.com',
        'https://www.example.com',
      ]);
      assert.equal(settings.identityMode, 'required');
      assert.equal(settings.welcome, 'Hello {name}, ask away!');

      // Knowledge entries: add, edit, delete (after confirming).
      const add = panel.getByRole('form', { name: 'Add an entry' });
      await add.getByRole('textbox', { name: 'Entry title' }).fill('Opening hours');
      await add.getByRole('textbox', { name: 'Entry text' }).fill('We are open 9 to 5.');
      await add.getByRole('button', { name: 'Add entry' }).click();
      const entry = panel
        .getByRole('listitem')
        .filter({ has: page.getByRole('heading', { name: 'Opening hours' }) });
      await entry.getByText('We are open 9 to 5.').waitFor();
      assert.equal(await add.getByRole('textbox', { name: 'Entry title' }).inputValue(), '');

      await panel.getByRole('button', { name: 'Edit Opening hours' }).click();
      const edit = panel.getByRole('form', { name: 'Edit Opening hours' });
      await edit.getByRole('textbox', { name: 'Entry text' }).fill('We are open 8 to 6.');
      await edit.getByRole('button', { name: 'Save entry' }).click();
      await panel.getByText('We are open 8 to 6.').waitFor();

      await add.getByRole('textbox', { name: 'Entry title' }).fill('Returns');
      await add.getByRole('textbox', { name: 'Entry text' }).fill('Within 30 days.');
      await add.getByRole('button', { name: 'Add entry' }).click();
      await panel.getByRole('heading', { name: 'Returns' }).waitFor();
      await panel.getByRole('button', { name: 'Delete Returns' }).click();
      await page
        .getByRole('dialog', { name: 'Delete “Returns”?' })
        .getByRole('button', { name: 'Delete' })
        .click();
      await panel.getByRole('heading', { name: 'Returns' }).waitFor({ state: 'detached' });
      const knowledge = await (
        await page.request.get(`${h.url}/api/admin/bots/${botId}/knowledge`)
      ).json();
      assert.deepEqual(
        knowledge.entries.map((e: { title: string; body: string }) => [e.title, e.body]),
        [['Opening hours', 'We are open 8 to 6.']],
      );

      // Required mode off again, so that the preview below may chat.
      await panel.getByRole('radio', { name: 'Optional' }).check();
      await panel.getByRole('textbox', { name: 'Allowed origins' }).fill('');
      await panel.getByRole('button', { name: 'Save' }).click();
      await panel.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

      await page.mouse.move(0, 0);
      fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({
        path: SCREENSHOT,
        fullPage: true,
        animations: 'disabled',
        caret: 'hide',
      });
      assert.deepEqual(unexpectedErrors(errors), []);
    },
  );

  it(
    'moves between the tabs with the keyboard, saves the appearance (a bad colour first) and shows the real widget',
    TEST_OPTIONS,
    async () => {
      const { page, errors } = await openSignedIn(h, OWNER_EMAIL);
      const botId = await createChatbot(page, 'Looks bot');
      const tabs = page.getByRole('tablist', { name: 'Chatbot settings' });
      await tabs.getByRole('tab', { name: 'Basic' }).focus();
      await page.keyboard.press('ArrowRight');
      const appearanceTab = page.getByRole('tab', { name: 'Appearance' });
      // React renders the switch after the key press: wait for it rather than race it.
      await page.getByRole('tab', { name: 'Appearance', selected: true }).waitFor();
      assert.equal(await appearanceTab.getAttribute('aria-selected'), 'true');
      assert.equal(await focusedText(page), 'Appearance');
      assert.equal(await page.getByRole('tab', { name: 'Basic' }).getAttribute('tabindex'), '-1');
      assert.match(page.url(), /\?tab=appearance$/);
      const panel = page.getByRole('tabpanel', { name: 'Appearance' });
      await panel.waitFor();
      await panel.getByRole('region', { name: 'Widget Security' }).waitFor();

      const colour = panel.getByRole('textbox', { name: 'Colour' });
      await colour.fill('#12345');
      await panel.getByRole('textbox', { name: 'Title' }).fill('Acme help');
      await panel.getByRole('radio', { name: 'Left' }).check();
      await panel.getByRole('button', { name: 'Save' }).click();
      await panel.getByText('Use a colour like #0f766e').waitFor();
      assert.equal(await colour.getAttribute('aria-invalid'), 'true');
      assert.equal(await panel.getByRole('status').filter({ hasText: 'Saved.' }).count(), 0);

      await colour.fill('#1D4ED8');
      await panel.getByRole('button', { name: 'Save' }).click();
      await panel.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      assert.equal(await panel.getByText('Use a colour like').count(), 0);
      const settings = (await (await page.request.get(`${h.url}/api/admin/bots/${botId}`)).json())
        .settings;
      assert.deepEqual(
        [settings.color, settings.title, settings.position],
        ['#1d4ed8', 'Acme help', 'left'],
      );

      // The preview is the real chat_v3.js with the look in the form; it opens as a visitor
      // would open it (it does not open by itself, which would take the page's focus).
      // The frame reloads a moment after an edit: open the one that shows the look in the form.
      const previewShowing = (title: string) =>
        page.locator(`iframe[title="Widget preview"][srcdoc*='data-title="${title}"']`).waitFor();
      const preview = page.frameLocator('iframe[title="Widget preview"]');
      await previewShowing('Acme help');
      await preview.getByRole('button', { name: 'Open chat' }).click();
      await preview.getByRole('heading', { name: 'Acme help' }).waitFor();
      const frame = page.frames().find((f) => f.url() === 'about:srcdoc');
      assert.ok(frame, 'the preview frame');
      const accent = await frame.evaluate(`(() => {
        const root = document.querySelector('hilal-chat').shadowRoot.querySelector('.root');
        return [root.style.getPropertyValue('--accent'), root.dataset.position];
      })()`);
      assert.deepEqual(accent, ['#1d4ed8', 'left']);

      // Live: an edit shows in the preview before Save, and nothing is saved by it.
      await colour.fill('#b91c1c');
      await panel.getByRole('textbox', { name: 'Title' }).fill('Draft title');
      await panel.getByRole('radio', { name: 'Right' }).check();
      await previewShowing('Draft title');
      await preview.getByRole('button', { name: 'Open chat' }).click();
      await preview.getByRole('heading', { name: 'Draft title' }).waitFor();
      const draftFrame = page.frames().find((f) => f.url() === 'about:srcdoc');
      assert.ok(draftFrame, 'the preview frame');
      assert.deepEqual(
        await draftFrame.evaluate(`(() => {
          const root = document.querySelector('hilal-chat').shadowRoot.querySelector('.root');
          return [root.style.getPropertyValue('--accent'), root.dataset.position ?? 'right'];
        })()`),
        ['#b91c1c', 'right'],
      );
      const unsaved = (await (await page.request.get(`${h.url}/api/admin/bots/${botId}`)).json())
        .settings;
      assert.deepEqual([unsaved.color, unsaved.title], ['#1d4ed8', 'Acme help']);

      // On to Install, and round again with End and Home.
      await appearanceTab.focus();
      await page.keyboard.press('ArrowRight');
      await page.getByRole('tabpanel', { name: 'Install' }).waitFor();
      await page.keyboard.press('Home');
      await page.getByRole('tabpanel', { name: 'Basic' }).waitFor();
      await page.keyboard.press('ArrowLeft');
      await page.getByRole('tabpanel', { name: 'Install' }).waitFor();
      await page.keyboard.press('End');
      assert.equal(await focusedText(page), 'Install');
      assert.deepEqual(unexpectedErrors(errors), []);
    },
  );

  it('shows the install code with this chatbot’s ids, each with "Copy"', TEST_OPTIONS, async () => {
    const { page, errors } = await openSignedIn(h, OWNER_EMAIL);
    const botId = await createChatbot(page, 'Install bot');
    await page.getByRole('tab', { name: 'Install' }).click();
    const panel = page.getByRole('tabpanel', { name: 'Install' });
    await panel.getByText(h.orgId, { exact: true }).waitFor();
    await panel.getByText(botId, { exact: true }).waitFor();

    const tag = panel.getByRole('region', { name: 'Script tag' });
    const tagText = await tag.locator('pre').textContent();
    assert.equal(
      tagText,
      `<script src="${h.url}/chat_v3.js" data-org-id="${h.orgId}" data-bot-id="${botId}"></script>`,
    );
    const init = await panel
      .getByRole('region', { name: 'With signed-in users: init' })
      .locator('pre')
      .textContent();
    assert.match(
      String(init),
      new RegExp(`organizationId: '${h.orgId}',\\n\\s+botId: '${botId}',`),
    );

    for (const label of ['Node.js', 'Python', 'PHP', 'Ruby', 'Go']) {
      const region = panel.getByRole('region', { name: label, exact: true });
      await region.getByRole('button', { name: 'Copy' }).waitFor();
    }
    const node = panel.getByRole('region', { name: 'Node.js', exact: true });
    await node.getByRole('button', { name: 'Copy' }).click();
    await node.getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
    const copied = String(await page.evaluate('navigator.clipboard.readText()'));
    assert.equal(copied, String(await node.locator('pre').textContent()));
    assert.match(copied, /jwt\.sign\(/);

    await tag.getByRole('button', { name: 'Copy' }).click();
    await tag.getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
    assert.equal(String(await page.evaluate('navigator.clipboard.readText()')), tagText);
    assert.deepEqual(unexpectedErrors(errors), []);
  });

  it(
    'has no serious or critical axe-core violations on the Basic and Install tabs',
    TEST_OPTIONS,
    async () => {
      const { page } = await openSignedIn(h, OWNER_EMAIL, PASSWORD, { bypassCSP: true });
      await createChatbot(page, 'Axe bot');
      await page.getByRole('form', { name: 'Add an entry' }).waitFor();
      assert.deepEqual(await seriousAxeViolations(page), [], 'Basic');
      await page.getByRole('textbox', { name: 'Allowed origins' }).fill('nope');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Line 1: Use an origin').waitFor();
      assert.deepEqual(await seriousAxeViolations(page), [], 'Basic, with a field error');
      await page.getByRole('tab', { name: 'Install' }).click();
      await page.getByRole('region', { name: 'Go', exact: true }).waitFor();
      assert.deepEqual(await seriousAxeViolations(page), [], 'Install');
      await page.getByRole('link', { name: 'Chatbots', exact: true }).first().click();
      await page.getByRole('heading', { name: 'Chatbots', level: 1 }).waitFor();
      assert.deepEqual(await seriousAxeViolations(page), [], 'the chatbot list');
    },
  );
});
