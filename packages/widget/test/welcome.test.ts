// docs/contract.md §5: the bot's welcome may hold `{name}`, filled with a VERIFIED name only.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VERIFIED_WELCOME, WIDGET_DEFAULTS } from '@hilal/contract/widget-defaults';
import { welcomeText } from '../src/welcome.js';
import { parseConfig } from '../src/wire.js';

describe('the welcome', () => {
  test('a verified user sees their verified name in place of {name}', () => {
    assert.equal(
      welcomeText('Hi {name}! How can we help?', 'Nour Haddad'),
      'Hi Nour Haddad! How can we help?',
    );
    assert.equal(welcomeText('{name}, welcome back. {name}?', 'Sami'), 'Sami, welcome back. Sami?');
  });

  test('a verified user with a name gets VERIFIED_WELCOME only when the bot kept the default', () => {
    assert.equal(
      welcomeText(WIDGET_DEFAULTS.welcome, 'Nour'),
      VERIFIED_WELCOME.replace('{name}', 'Nour'),
    );
    assert.equal(welcomeText('Salam! Ask away.', 'Nour'), 'Salam! Ask away.');
    assert.equal(welcomeText(WIDGET_DEFAULTS.welcome, null), WIDGET_DEFAULTS.welcome);
  });

  test('anyone else (anonymous, self-reported: no verified name) sees it without {name}', () => {
    for (const name of [null, undefined, '', '   ']) {
      assert.equal(welcomeText('Hi {name}! How can we help?', name), 'Hi! How can we help?');
      assert.equal(welcomeText('Hello, {name}.', name), 'Hello.');
      assert.equal(welcomeText('{name}, welcome back!', name), 'welcome back!');
      assert.equal(welcomeText('{name}', name), '');
      assert.equal(welcomeText('No placeholder here.', name), 'No placeholder here.');
    }
  });

  test('a name is inserted as it is: HTML and replacement patterns stay literal', () => {
    const html = '<img src=x onerror=alert(1)>';
    assert.equal(welcomeText('Hi {name}!', html), `Hi ${html}!`);
    assert.equal(welcomeText('Hi {name}!', "$& $1 $' $`"), "Hi $& $1 $' $`!");
  });

  test('the config keeps identityMode required; anything else is the default, optional', () => {
    assert.equal(parseConfig({ identityMode: 'required' }).identityMode, 'required');
    for (const identityMode of [undefined, 'optional', 'REQUIRED', 1]) {
      assert.equal('identityMode' in parseConfig({ identityMode }), false, String(identityMode));
    }
  });
});
