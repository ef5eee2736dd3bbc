// docs/contract.md §3 and §7 "The Widget Security card", in Chromium against the built dashboard:
// Regenerate shows the secret once (Copy puts it on the clipboard), its tokens verify while it is
// pending and after Save, Cancel drops it, a reload leaves only the masked preview, "Check a
// token" explains an expired and a wrong-secret token, and an agent sees no card. Also writes the
// screenshots the README shows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { createChatbot } from '../../src/bots/chatbots-repository.js';
import { seedUser } from '../support/sign-in.js';
import { signHs256 } from '../support/tokens.js';
import {
  type DashboardHarness,
  OWNER_EMAIL,
  openSignedIn,
  PASSWORD,
  seriousAxeViolations,
  startDashboardHarness,
} from './dashboard-harness.js';
import { NO_CHROMIUM } from './harness.js';

// From packages/server/dist/test/browser/ to the repository's docs/images/.
const image = (name: string) =>
  fileURLToPath(new URL(`../../../../../docs/images/${name}`, import.meta.url));

const nowS = () => Math.floor(Date.now() / 1000);

describe('the Widget Security card in the dashboard, in a browser', { skip: NO_CHROMIUM }, () => {
  let h: DashboardHarness;
  let botId: string;

  before(async () => {
    h = await startDashboardHarness();
    botId = (await createChatbot(h.hilal.services.db, h.orgId, 'Support', Date.now())).id;
    await seedUser(h.hilal.services, 'agent@acme.test', 'agent', h.orgId);
  });
  after(() => h?.close());

  async function openCard(page: Page): Promise<Locator> {
    await page.goto(`${h.url}/app/chatbots/${botId}`);
    const card = page.getByRole('region', { name: 'Widget Security' });
    await card.getByRole('button', { name: 'Regenerate' }).waitFor();
    return card;
  }

  async function verify(token: string): Promise<{ verified: boolean; reason?: string }> {
    const res = await fetch(`${h.url}/api/widget/verify-jwt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orgId: h.orgId, botId, token }),
    });
    return (await res.json()) as { verified: boolean; reason?: string };
  }

  async function regenerate(card: Locator): Promise<string> {
    await card.getByRole('button', { name: 'Regenerate' }).click();
    const shown = card.getByRole('textbox', { name: 'New secret' });
    await shown.waitFor();
    assert.equal(await shown.getAttribute('readonly'), '');
    const secret = await shown.inputValue();
    assert.match(secret, /^[0-9a-f]{64}$/);
    await card.getByText('it will not be shown again').waitFor();
    return secret;
  }

  it('Regenerate shows the secret once and Copy copies it; its token verifies while pending and after Save; Cancel drops a pending one', async () => {
    const { page } = await openSignedIn(h, OWNER_EMAIL);
    const card = await openCard(page);
    await card.getByText('Not configured').waitFor();

    const secret = await regenerate(card);
    await card.getByRole('button', { name: 'Copy' }).click();
    await card.getByText('Copied.').waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), secret);
    const token = signHs256(secret, { sub: 'u-1', exp: nowS() + 600 });
    assert.equal((await verify(token)).verified, true, 'a pending secret verifies');

    await card.getByRole('button', { name: 'Save' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save the new secret?' });
    await dialog.getByText('Tokens signed with the current secret stop working at once.').waitFor();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await card.getByText('Own secret').waitFor();
    await card
      .getByText(`••••${secret.slice(-4)}`)
      .first()
      .waitFor();
    assert.equal((await verify(token)).verified, true, 'after Save');

    const dropped = await regenerate(card);
    await card.getByRole('button', { name: 'Cancel' }).click();
    await card.getByRole('textbox', { name: 'New secret' }).waitFor({ state: 'detached' });
    const droppedToken = signHs256(dropped, { sub: 'u-1', exp: nowS() + 600 });
    assert.equal((await verify(droppedToken)).reason, 'invalid_signature');
    await h.hilal.services.counters.flush();

    await page.reload();
    const reloaded = await openCard(page);
    await reloaded
      .getByText(`••••${secret.slice(-4)}`)
      .first()
      .waitFor();
    assert.equal(await reloaded.getByRole('textbox', { name: 'New secret' }).count(), 0);
    assert.ok(!(await page.content()).includes(secret), 'the full secret is gone after a reload');
    const failures = reloaded.getByRole('table', { name: 'Recent failures' });
    await failures.getByRole('cell', { name: 'signature_mismatch' }).waitFor();
    const audit = reloaded.getByRole('table', { name: 'Audit log' });
    assert.equal(
      await audit.getByRole('row').count(),
      5,
      'header + regenerate, save, regenerate, cancel',
    );
    await reloaded.scrollIntoViewIfNeeded();
    await reloaded.screenshot({ path: image('widget-security-card.png'), animations: 'disabled' });

    // "Check a token": an expired token and one signed with a wrong secret, explained.
    const tokenBox = reloaded.getByRole('textbox', { name: 'Token' });
    await tokenBox.fill(signHs256(secret, { sub: 'u-2', exp: nowS() - 3600, iat: nowS() - 7200 }));
    await reloaded.getByRole('button', { name: 'Check' }).click();
    const result = reloaded.getByRole('status').filter({ hasText: 'Result' });
    await result.getByText('expired', { exact: true }).first().waitFor();
    await result.getByText('Fails').waitFor();
    await result.getByText('"sub": "u-2"').waitFor();
    await tokenBox.fill(signHs256('0'.repeat(64), { sub: 'u-3', exp: nowS() + 600 }));
    await reloaded.getByRole('button', { name: 'Check' }).click();
    await result.getByText('invalid_signature', { exact: true }).waitFor();
    const checkSection = reloaded.getByRole('region', { name: 'Check a token' });
    await checkSection.scrollIntoViewIfNeeded();
    await checkSection.screenshot({ path: image('check-a-token.png'), animations: 'disabled' });
    await page.context().close();
  });

  it('has no serious or critical axe violations', async () => {
    const { page } = await openSignedIn(h, OWNER_EMAIL, PASSWORD, { bypassCSP: true });
    await openCard(page);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await page.context().close();
  });

  it('an agent sees no card, and picks chatbots by name in the inbox filter', async () => {
    const { page } = await openSignedIn(h, 'agent@acme.test');
    await page.goto(`${h.url}/app/chatbots/${botId}`);
    await page.getByRole('main').waitFor();
    await page.waitForLoadState('networkidle');
    assert.equal(await page.getByRole('region', { name: 'Widget Security' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Regenerate' }).count(), 0);

    await page.goto(`${h.url}/app/inbox`);
    const filter = page.getByRole('combobox', { name: 'Chatbot' });
    await filter.getByRole('option', { name: 'Support' }).waitFor({ state: 'attached' });
    await filter.selectOption({ label: 'Support' });
    assert.equal(await filter.inputValue(), botId);
    await page.context().close();
  });
});
