// docs/contract.md §5: the widget's styles cannot leak into the host page, nor the host's into it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Harness, NO_CHROMIUM, startHarness, TEST_OPTIONS } from './harness.js';
import type { PageGlobals } from './page-globals.js';

/** A host page that styles everything it can reach, as hard as it can. */
const AGGRESSIVE_CSS = `<style>
  * {
    font-family: serif !important; color: red !important; background: yellow !important;
    font-size: 31px !important; font-style: italic !important; font-weight: 900 !important;
    line-height: 3 !important; letter-spacing: 3px !important; word-spacing: 9px !important;
    text-transform: uppercase !important; text-align: right !important;
    text-shadow: 0 0 2px blue !important; box-sizing: content-box !important;
    border-radius: 0 !important;
  }
  button { padding: 50px !important; width: 300px !important; border: 5px solid black !important; }
  div { display: none }
  section, form, ol, li, p, h2, textarea, svg { display: inline !important; margin: 30px !important; }
  html { font-size: 40px }
  body { margin: 40px }
</style>`;

/** The widget's parts, in its shadow root, with the panel open. */
const WIDGET_PARTS = [
  '.root',
  'button.launcher',
  'button.launcher svg',
  'section.panel',
  '.head',
  'h2',
  'button.close',
  '.body',
  'p.welcome',
  'form',
  'textarea',
  'button.send',
];

/** Host elements with the widget's own tag names, classes and ids. */
const LOOKALIKES = `<div class="root" data-open>
  <section class="panel" id="hilal-panel"><div class="head"><h2 id="hilal-title">Orders</h2>
  <button class="close">Close</button></div>
  <div class="body"><ol><li class="msg" data-author="visitor"><p class="bubble">A host paragraph</p></li></ol>
  <div class="typing"><i>i</i></div></div>
  <form><textarea>host text</textarea><button class="send launcher">Send</button></form></section>
  <span class="badge sr">3</span></div>`;

/** Every host element of LOOKALIKES, and the document's own. */
const HOST_PARTS = [
  'html',
  'body',
  'div.root',
  'section.panel',
  'div.head',
  'h2',
  'button.close',
  'div.body',
  'ol',
  'li.msg',
  'p.bubble',
  'div.typing',
  'div.typing i',
  'form',
  'textarea',
  'button.send',
  'span.badge',
];

describe('style isolation, in a browser', { skip: NO_CHROMIUM }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h?.close());

  /** Opens a page with the widget (script tag) and `head`; returns its computed styles. */
  async function widgetOn(head: string) {
    const w = await h.open(
      h.hostPage(`<main><div><p>Host content</p></div></main>${h.scriptTag()}`, head),
    );
    try {
      const launcher = w.page.locator('hilal-chat button.launcher');
      const launcherBox = await launcher.boundingBox();
      await launcher.click();
      await w.waitForState({ open: true });
      const panelBox = await w.page.locator('hilal-chat section.panel').boundingBox();
      return {
        styles: await w.computedStyles('widget', WIDGET_PARTS),
        boxes: { launcher: launcherBox, panel: panelBox },
      };
    } finally {
      await w.close();
    }
  }

  it("the host page's CSS does not reach into the widget", TEST_OPTIONS, async () => {
    const plain = await widgetOn('');
    const styled = await widgetOn(AGGRESSIVE_CSS);
    const launcher = plain.styles['button.launcher'] ?? assert.fail('no launcher');
    // The plain page shows the widget as designed (bot default colour #0f766e).
    assert.equal(launcher.width, '56px');
    assert.equal(launcher['background-color'], 'rgb(15, 118, 110)');
    assert.match(plain.styles['section.panel']?.['font-family'] ?? '', /^system-ui/);
    const differences = Object.entries(styled.styles).flatMap(([part, properties]) =>
      Object.entries(properties)
        .filter(([name, value]) => plain.styles[part]?.[name] !== value)
        .map(
          ([name, value]) =>
            `${part} { ${name}: ${value} } instead of ${plain.styles[part]?.[name]}`,
        ),
    );
    assert.deepEqual(differences, []);
    assert.deepEqual(styled.boxes, plain.boxes);
  });

  it("the widget's CSS does not change the host page", TEST_OPTIONS, async () => {
    const w = await h.open(
      h.hostPage(`${LOOKALIKES}<script src="${h.hilalUrl}/chat_v3.js"></script>`),
    );
    try {
      const before = await w.computedStyles('host', HOST_PARTS);
      const sheets = () =>
        w.page.evaluate(() => {
          const { document } = globalThis as unknown as PageGlobals;
          return {
            elements: document.querySelectorAll('style, link').length,
            adopted: document.adoptedStyleSheets?.length ?? 0,
            hosts: document.querySelectorAll('body > *:not(script)').length,
          };
        });
      assert.deepEqual(await sheets(), { elements: 0, adopted: 0, hosts: 1 });

      // Start the widget and use it: open the panel, type.
      await w.page.evaluate((ids) => (globalThis as unknown as PageGlobals).HilalChat.init(ids), {
        organizationId: h.bot.orgId,
        botId: h.bot.botId,
      });
      await w.page.locator('hilal-chat button.launcher').click();
      await w.waitForState({ open: true, identity: 'anonymous' });
      await w.page.locator('hilal-chat textarea').fill('typing in the widget');

      const after = await w.computedStyles('host', HOST_PARTS);
      const differences = Object.entries(after).flatMap(([part, properties]) =>
        Object.entries(properties)
          .filter(([name, value]) => before[part]?.[name] !== value)
          .map(
            ([name, value]) => `${part} { ${name}: ${value} } instead of ${before[part]?.[name]}`,
          ),
      );
      assert.deepEqual(differences, []);
      // Its CSS lives in its shadow root: no <style>, <link> or adopted sheet in the document;
      // the one element it adds is its own host.
      assert.deepEqual(await sheets(), { elements: 0, adopted: 0, hosts: 2 });
      assert.equal(await w.page.locator('body > hilal-chat').count(), 1);
      w.assertNoPageErrors();
    } finally {
      await w.close();
    }
  });
});
