// docs/contract.md §7 "Accounts": "Sign in" with "Email" and "Password", a signed-in shell, "Sign
// out" — in Chromium, against the built dashboard as the server serves it, under its own
// Content-Security-Policy. Controls are found by role and visible name, as a user finds them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type DashboardHarness,
  OWNER_EMAIL,
  PASSWORD,
  signInThroughForm,
  startDashboardHarness,
} from './dashboard-harness.js';
import { NO_CHROMIUM, TEST_OPTIONS } from './harness.js';

describe('signing in to the dashboard, in a browser', { skip: NO_CHROMIUM }, () => {
  let h: DashboardHarness;
  before(async () => {
    h = await startDashboardHarness();
  });
  after(() => h?.close());

  it(
    'signs the owner in to the shell, which shows who is signed in, and signs out',
    TEST_OPTIONS,
    async () => {
      const { page, errors } = await h.open('/app/');
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      assert.equal(
        new URL(page.url()).pathname,
        '/app/sign-in',
        'a signed-out visitor is sent to sign in',
      );

      await signInThroughForm(page, OWNER_EMAIL, PASSWORD);
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.waitFor();
      for (const name of ['Inbox', 'Chatbots']) await nav.getByRole('link', { name }).waitFor();
      await page.getByRole('heading', { name: 'Inbox' }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/app/inbox');
      const banner = page.getByRole('banner');
      await banner.getByText(OWNER_EMAIL).waitFor();
      await banner.getByText('Owner', { exact: true }).waitFor();
      assert.equal(await page.title(), 'Inbox · Hilal');

      await nav.getByRole('link', { name: 'Chatbots' }).click();
      await page.getByRole('heading', { name: 'Chatbots' }).waitFor();
      assert.equal(
        await nav.getByRole('link', { name: 'Chatbots' }).getAttribute('aria-current'),
        'page',
      );

      await page.reload();
      await page.getByRole('heading', { name: 'Chatbots' }).waitFor();
      await banner.getByText(OWNER_EMAIL).waitFor();

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/app/sign-in');
      assert.equal(await page.getByText(OWNER_EMAIL).count(), 0, 'nothing of the user is left');

      // The session ended on the server too: the shell is out of reach without signing in again.
      await page.goto(`${h.url}/app/inbox`);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      const me = await page.request.get(`${h.url}/api/auth/me`);
      assert.equal(me.status(), 401);
      assert.deepEqual(
        errors.filter((e) => !/401 \(Unauthorized\)/.test(e)),
        [],
      );
    },
  );

  it('returns to the page asked for after signing in', TEST_OPTIONS, async () => {
    const { page } = await h.open('/app/chatbots');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await signInThroughForm(page, OWNER_EMAIL, PASSWORD);
    await page.getByRole('heading', { name: 'Chatbots' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/app/chatbots');
  });

  it(
    'shows the server’s message for a wrong password and stays on "Sign in"',
    TEST_OPTIONS,
    async () => {
      const { page } = await h.open('/app/sign-in');
      await signInThroughForm(page, OWNER_EMAIL, 'not the password');
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.equal((await alert.textContent())?.trim(), 'Wrong email or password.');
      assert.equal(new URL(page.url()).pathname, '/app/sign-in');
      assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0);
    },
  );

  // Last: it leaves this IP over the sign-in limit (docs/contract.md §10).
  it(
    'shows the server’s message when sign-in is refused for too many failures (429)',
    TEST_OPTIONS,
    async () => {
      const { page } = await h.open('/app/sign-in');
      const email = 'nobody@acme.test';
      // Failures count per email and per IP; the wrong password above counted for this IP too.
      let status = 401;
      for (let i = 0; i < 10 && status === 401; i++) {
        const response = await page.request.post(`${h.url}/api/auth/login`, {
          data: { email, password: `guess ${i}` },
        });
        status = response.status();
      }
      assert.ok(status === 401 || status === 429, String(status));
      await signInThroughForm(page, email, 'guess 10');
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.equal((await alert.textContent())?.trim(), 'Too many requests. Retry later.');
    },
  );
});
