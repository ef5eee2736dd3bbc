// docs/contract.md §7 Accounts, in Chromium against the built dashboard under its own policy:
// an owner adds a member (first password shown once, "Copy" puts it on the clipboard), the new
// agent signs in with it and sees no "Members"; roles change; the last owner cannot be demoted;
// "Remove" asks first; everyone changes their own password. Controls by role and visible name.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type DashboardHarness,
  OWNER_EMAIL,
  openSignedIn,
  PASSWORD,
  seriousAxeViolations,
  startDashboardHarness,
  unexpectedErrors,
} from './dashboard-harness.js';
import { NO_CHROMIUM, TEST_OPTIONS } from './harness.js';
import { WAIT_MS } from './network-log.js';

const LAST_OWNER =
  'An organization keeps at least one owner: this one can be neither removed nor demoted.';

/** Signed in as `email` in a fresh context, as `openSignedIn` does, at 1100×800. */
const signedIn = (
  h: DashboardHarness,
  email: string,
  password: string,
  options: { bypassCSP?: boolean } = {},
) => openSignedIn(h, email, password, { viewport: { width: 1100, height: 800 }, ...options });

/** Waits until `check` holds, polling, for as long as any other wait. */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, 'timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('members and passwords in the dashboard, in a browser', { skip: NO_CHROMIUM }, () => {
  let h: DashboardHarness;
  before(async () => {
    h = await startDashboardHarness();
  });
  after(() => h?.close());

  it(
    'an owner adds an agent, whose first password is shown once and copied; the agent signs in with it and sees no "Members"',
    TEST_OPTIONS,
    async () => {
      const { page, errors } = await signedIn(h, OWNER_EMAIL, PASSWORD);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Members' })
        .click();
      await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
      assert.equal(await page.title(), 'Members · Hilal');
      const table = page.getByRole('table');
      await table.getByRole('rowheader', { name: /owner@acme\.test/ }).waitFor();

      await page.getByRole('textbox', { name: 'Email' }).fill('Agent.One@Acme.test ');
      await page
        .getByRole('combobox', { name: 'Role', exact: true })
        .selectOption({ label: 'Agent' });
      await page.getByRole('button', { name: 'Add member' }).click();

      const firstPassword = page.getByRole('textbox', { name: 'First password' });
      await firstPassword.waitFor();
      const password = await firstPassword.inputValue();
      assert.ok(password.length >= 12, 'a generated password');
      assert.equal(await firstPassword.getAttribute('readonly'), '');
      await page.getByText('it will not be shown again').waitFor();
      await page.getByRole('button', { name: 'Copy' }).click();
      await page.getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
      assert.equal(await page.evaluate('navigator.clipboard.readText()'), password);

      // The email as the server keeps it (trimmed, lowercased), with its role.
      await table.getByRole('rowheader', { name: 'agent.one@acme.test' }).waitFor();
      assert.equal(
        await page.getByRole('combobox', { name: 'Role of agent.one@acme.test' }).inputValue(),
        'agent',
      );

      // Once: after a reload, the password is nowhere.
      await page.reload();
      await table.getByRole('rowheader', { name: 'agent.one@acme.test' }).waitFor();
      assert.equal(await page.getByRole('textbox', { name: 'First password' }).count(), 0);
      assert.equal(await page.getByText(password).count(), 0);

      // The agent, in another browser, with that password.
      const agent = await signedIn(h, 'agent.one@acme.test', password);
      const nav = agent.page.getByRole('navigation', { name: 'Main' });
      await agent.page.getByRole('banner').getByText('Agent', { exact: true }).waitFor();
      await nav.getByRole('link', { name: 'Inbox' }).waitFor();
      assert.equal(await nav.getByRole('link', { name: 'Members' }).count(), 0);
      assert.equal(await nav.getByRole('link', { name: 'Chatbots' }).count(), 0);
      await agent.page.goto(`${h.url}/app/members`);
      await agent.page.getByText('Only owners manage members.').waitFor();
      assert.equal(await agent.page.getByRole('table').count(), 0);
      assert.deepEqual(unexpectedErrors(errors), []);
      assert.deepEqual(unexpectedErrors(agent.errors), []);
    },
  );

  it(
    'refuses to demote the last owner with a clear message, changes other roles and removes after confirming',
    TEST_OPTIONS,
    async () => {
      const { page, errors } = await signedIn(h, OWNER_EMAIL, PASSWORD);
      await page.goto(`${h.url}/app/members`);
      const ownerRole = page.getByRole('combobox', { name: `Role of ${OWNER_EMAIL}` });
      await ownerRole.selectOption('admin');
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.equal((await alert.textContent())?.trim(), LAST_OWNER);
      await until(async () => (await ownerRole.inputValue()) === 'owner');
      assert.equal(await ownerRole.isEnabled(), true);

      // Another member, promoted to admin.
      await page.getByRole('textbox', { name: 'Email' }).fill('second@acme.test');
      await page.getByRole('combobox', { name: 'Role', exact: true }).selectOption('agent');
      await page.getByRole('button', { name: 'Add member' }).click();
      await page.getByRole('textbox', { name: 'First password' }).waitFor();
      await page.getByRole('button', { name: 'Done' }).click();
      const secondRole = page.getByRole('combobox', { name: 'Role of second@acme.test' });
      await secondRole.selectOption('admin');
      await until(() => secondRole.isEnabled());
      await page.reload();
      await page.getByRole('rowheader', { name: 'second@acme.test' }).waitFor();
      assert.equal(await secondRole.inputValue(), 'admin');

      // "Remove" asks first: Cancel keeps them, Remove removes them.
      await page.getByRole('button', { name: 'Remove second@acme.test' }).click();
      const dialog = page.getByRole('dialog', { name: 'Remove second@acme.test?' });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByRole('rowheader', { name: 'second@acme.test' }).waitFor();
      await page.getByRole('button', { name: 'Remove second@acme.test' }).click();
      await dialog.getByRole('button', { name: 'Remove' }).click();
      await page
        .getByRole('rowheader', { name: 'second@acme.test' })
        .waitFor({ state: 'detached' });

      // Nor can the last owner remove themselves.
      await page.getByRole('button', { name: `Remove ${OWNER_EMAIL}` }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
      await page.getByRole('alert').filter({ hasText: LAST_OWNER }).waitFor();
      await page.getByRole('rowheader', { name: new RegExp(OWNER_EMAIL) }).waitFor();
      assert.deepEqual(unexpectedErrors(errors), []);
    },
  );

  it('changes one’s own password, then signs in with the new one', TEST_OPTIONS, async () => {
    const { page, errors } = await signedIn(h, OWNER_EMAIL, PASSWORD);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Change password' }).waitFor();

    await page.getByLabel('Current password').fill('not it');
    await page.getByLabel('New password').fill('a brand new password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();

    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password').fill('a brand new password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'Your password has been changed.' }).waitFor();

    const again = await signedIn(h, OWNER_EMAIL, 'a brand new password');
    await again.page.getByRole('banner').getByText(OWNER_EMAIL).waitFor();
    // Back to the shared password, for the other tests.
    await again.page.goto(`${h.url}/app/password`);
    await again.page.getByLabel('Current password').fill('a brand new password');
    await again.page.getByLabel('New password').fill(PASSWORD);
    await again.page.getByRole('button', { name: 'Change password' }).click();
    await again.page.getByRole('status').filter({ hasText: 'changed' }).waitFor();
    assert.deepEqual(unexpectedErrors(errors), []);
  });

  it('has no serious or critical axe-core violations on "Members"', TEST_OPTIONS, async () => {
    const { page } = await signedIn(h, OWNER_EMAIL, PASSWORD, { bypassCSP: true });
    await page.goto(`${h.url}/app/members`);
    await page.getByRole('table').waitFor();
    assert.deepEqual(await seriousAxeViolations(page), [], 'Members');
    await page.getByRole('textbox', { name: 'Email' }).fill('third@acme.test');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('textbox', { name: 'First password' }).waitFor();
    assert.deepEqual(await seriousAxeViolations(page), [], 'Members, with a first password');
    await page.getByRole('button', { name: 'Remove third@acme.test' }).click();
    await page.getByRole('dialog').waitFor();
    assert.deepEqual(await seriousAxeViolations(page), [], 'Members, confirming a removal');
  });
});
