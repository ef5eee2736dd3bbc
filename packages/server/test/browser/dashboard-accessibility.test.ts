// STYLE "The dashboard": semantic HTML, accessible names = visible labels. axe-core checks "Sign
// in" and the signed-in shell; the test also writes the screenshot the README shows.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  type DashboardHarness,
  focusedText,
  OWNER_EMAIL,
  PASSWORD,
  seriousAxeViolations,
  signInThroughForm,
  startDashboardHarness,
} from './dashboard-harness.js';
import { NO_CHROMIUM, TEST_OPTIONS } from './harness.js';

// From packages/server/dist/test/browser/ to the repository's docs/images/.
const SCREENSHOT = fileURLToPath(
  new URL('../../../../../docs/images/dashboard-sign-in.png', import.meta.url),
);

describe('the dashboard’s accessibility, in a browser', { skip: NO_CHROMIUM }, () => {
  let h: DashboardHarness;
  before(async () => {
    h = await startDashboardHarness();
  });
  after(() => h?.close());

  it(
    'has no serious or critical axe-core violations on "Sign in" and in the shell',
    TEST_OPTIONS,
    async () => {
      // axe-core is injected as an inline script, which the app's policy rightly refuses.
      const { page } = await h.open('/app/sign-in', { bypassCSP: true });
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, animations: 'disabled', caret: 'hide' });
      assert.deepEqual(await seriousAxeViolations(page), [], 'Sign in');

      await signInThroughForm(page, OWNER_EMAIL, 'not the password');
      await page.getByRole('alert').waitFor();
      assert.deepEqual(await seriousAxeViolations(page), [], 'Sign in, with an error');

      await signInThroughForm(page, OWNER_EMAIL, PASSWORD);
      await page.getByRole('heading', { name: 'Inbox' }).waitFor();
      assert.deepEqual(await seriousAxeViolations(page), [], 'the shell');
    },
  );

  it('labels every form control with its visible text', TEST_OPTIONS, async () => {
    const { page } = await h.open('/app/sign-in');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const email = page.getByRole('textbox', { name: 'Email' });
    assert.equal(await email.getAttribute('type'), 'email');
    assert.equal(
      await page.getByLabel('Password', { exact: true }).getAttribute('type'),
      'password',
    );
    assert.equal(await page.getByRole('main').count(), 1, 'one main landmark');
    // The keyboard reaches the form in order: Email, Password, Sign in.
    await email.focus();
    await page.keyboard.press('Tab');
    assert.equal(
      await page.evaluate("document.activeElement?.getAttribute('name') ?? null"),
      'password',
    );
    await page.keyboard.press('Tab');
    assert.equal(await focusedText(page), 'Sign in');
  });
});
