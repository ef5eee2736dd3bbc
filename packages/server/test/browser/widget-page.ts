// One host page with the widget, in a browser context of its own: what the visitor sees and
// does (open, type, read), what the page stores, and what it sent over the network.
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import type { TestApp } from '../support/test-app.js';
import { NetworkLog } from './network-log.js';
import type { IdentityReport, IdentitySource, PageGlobals, WidgetState } from './page-globals.js';

const BOT_SENT = 'hilal-chat li[data-author=bot][data-status=sent] .bubble';
/** Each bubble starts with a visually hidden "Bot: " for screen readers. */
const stripSpeaker = (text: string): string => text.replace(/^(You|Bot|Agent): /, '');

/** A piece of text in the widget's shadow root, and where: `p.bubble`, `button.launcher[aria-label]`. */
export interface ShadowText {
  readonly where: string;
  readonly text: string;
}

/** docs/widget-api.md `Message`. */
export interface StoredMessage {
  readonly id: string;
  readonly seq: number;
  readonly conversationId: string;
  readonly clientMessageId: string | null;
  readonly author: 'visitor' | 'bot' | 'agent';
  readonly text: string;
  readonly identitySource: IdentitySource;
  readonly createdAt: number;
}

/** The `text` of a `POST /api/chat/messages` body. */
function sentText(body: string | null): unknown {
  try {
    return JSON.parse(body ?? 'null')?.text;
  } catch {
    return undefined;
  }
}

export class WidgetPage {
  readonly net: NetworkLog;
  readonly pageErrors: string[] = [];
  /** What the page wrote to its console, e.g. `warning: Hilal: the user token was not verified …`. */
  readonly console: string[] = [];

  constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    hilalUrl: string,
    private readonly hilal: TestApp,
  ) {
    this.net = new NetworkLog(page, hilalUrl);
    page.on('pageerror', (error) => this.pageErrors.push(String(error)));
    page.on('console', (message) => this.console.push(`${message.type()}: ${message.text()}`));
  }

  state(): Promise<WidgetState> {
    return this.page.evaluate(() => (globalThis as unknown as PageGlobals).HilalChat.state());
  }

  /** `HilalChat.identity()`: the state, and why the last token failed. */
  identity(): Promise<IdentityReport> {
    return this.page.evaluate(() => (globalThis as unknown as PageGlobals).HilalChat.identity());
  }

  /** Waits until `state()` has every field of `want`. */
  async waitForState(want: Partial<WidgetState>): Promise<void> {
    await this.page.waitForFunction(
      (expected) => {
        const state = (globalThis as unknown as PageGlobals).HilalChat?.state();
        return (
          state !== undefined &&
          Object.entries(expected).every(([key, value]) => Reflect.get(state, key) === value)
        );
      },
      want,
      { polling: 100 },
    );
  }

  /** Opens the panel with the launcher, as a visitor would. */
  async openPanel(): Promise<void> {
    if ((await this.state()).open) return;
    await this.page.locator('hilal-chat button.launcher').click();
    await this.waitForState({ open: true });
  }

  /**
   * Types `text` into the widget and presses Enter; returns the bot's reply once it is on
   * screen, and the server's answer to the send.
   */
  async send(text: string): Promise<{ reply: string; sent: { message: StoredMessage } }> {
    await this.openPanel();
    const bots = this.page.locator(BOT_SENT);
    const before = await bots.count();
    // The answer to this text's send, whenever it comes (after attempts that failed, or once the
    // widget has a session again).
    const answered = this.page.waitForResponse(
      (response) =>
        response.request().method() === 'POST' &&
        new URL(response.url()).pathname === '/api/chat/messages' &&
        sentText(response.request().postData()) === text,
    );
    const input = this.page.locator('hilal-chat textarea');
    await input.fill(text);
    await input.press('Enter');
    const response = await answered;
    assert.equal(response.status(), 200, `POST /api/chat/messages: ${await response.text()}`);
    await bots.nth(before).waitFor();
    return {
      reply: stripSpeaker((await bots.nth(before).textContent()) ?? ''),
      sent: await response.json(),
    };
  }

  /** The texts of the bot's messages on screen. */
  async botMessages(): Promise<string[]> {
    return (await this.page.locator(BOT_SENT).allTextContents()).map(stripSpeaker);
  }

  /** The texts of every message bubble on screen. */
  async messageTexts(): Promise<string[]> {
    return (await this.page.locator('hilal-chat li .bubble').allTextContents()).map(stripSpeaker);
  }

  /**
   * Everything the widget's shadow root holds as text, visible or not (a screen reader reads
   * hidden live regions too): each element's own text, and each attribute value.
   */
  shadowContent(): Promise<ShadowText[]> {
    return this.page.evaluate(() => {
      const root = (globalThis as unknown as PageGlobals).document.querySelector(
        'hilal-chat',
      )?.shadowRoot;
      return Array.from(root?.querySelectorAll('*') ?? []).flatMap((element) => {
        const className = element.getAttribute('class');
        const where = element.localName + (className ? `.${className.replace(/ /g, '.')}` : '');
        const text = Array.from(element.childNodes)
          .filter((node) => node.nodeType === 3) // Node.TEXT_NODE
          .map((node) => node.nodeValue ?? '')
          .join('');
        return [
          ...(text ? [{ where, text }] : []),
          ...Array.from(element.attributes, (attribute) => ({
            where: `${where}[${attribute.name}]`,
            text: attribute.value,
          })),
        ];
      });
    });
  }

  /** Where in the shadow root `text` appears (see `shadowContent`); empty when nowhere. */
  async findOnScreen(text: string): Promise<string[]> {
    return (await this.shadowContent())
      .filter((entry) => entry.text.includes(text))
      .map((entry) => entry.where);
  }

  /**
   * Every computed style property of the elements `selectors` match, in the widget's shadow
   * root or in the host document, keyed `selector` (or `selector #n` from the second match on).
   */
  computedStyles(
    where: 'widget' | 'host',
    selectors: readonly string[],
  ): Promise<Record<string, Record<string, string>>> {
    return this.page.evaluate(
      ({ where, selectors }) => {
        const page = globalThis as unknown as PageGlobals;
        const root =
          where === 'host' ? page.document : page.document.querySelector('hilal-chat')?.shadowRoot;
        const styles: Record<string, Record<string, string>> = {};
        for (const selector of selectors) {
          const elements = Array.from(root?.querySelectorAll(selector) ?? []);
          if (elements.length === 0) throw new Error(`nothing matches ${selector} in the ${where}`);
          elements.forEach((element, i) => {
            const style = page.getComputedStyle(element);
            const properties: Record<string, string> = {};
            for (let p = 0; p < style.length; p++) {
              const name = style.item(p);
              properties[name] = style.getPropertyValue(name);
            }
            styles[i === 0 ? selector : `${selector} #${i + 1}`] = properties;
          });
        }
        return styles;
      },
      { where, selectors },
    );
  }

  /** Every localStorage and sessionStorage entry of the host page. */
  storage(): Promise<Array<{ area: string; key: string; value: string }>> {
    return this.page.evaluate(() => {
      const page = globalThis as unknown as PageGlobals;
      const areas = { localStorage: page.localStorage, sessionStorage: page.sessionStorage };
      return Object.entries(areas).flatMap(([area, storage]) =>
        Array.from({ length: storage.length }, (_, i) => storage.key(i) ?? '').map((key) => ({
          area,
          key,
          value: storage.getItem(key) ?? '',
        })),
      );
    });
  }

  assertNoPageErrors(): void {
    assert.deepEqual(this.pageErrors, [], 'uncaught errors in the host page');
  }

  /** Closes this browser and waits for the bot replies it started. */
  async close(): Promise<void> {
    await this.context.close();
    await this.hilal.app.replies.drain();
  }
}
