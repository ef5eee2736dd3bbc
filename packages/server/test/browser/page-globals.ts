// What page functions (`page.evaluate`, `waitForFunction`) may touch. The server's tsconfig has
// no DOM lib, so the few browser globals these tests use are described here: types only, erased
// before the functions are sent to the page.

import type { IdentityReport, IdentitySource, WidgetState } from '@hilal/contract';

export type { IdentityReport, IdentitySource, WidgetState };

interface HilalChatGlobal {
  init(options: { organizationId: string; botId: string }): Promise<void>;
  setUserToken(token: string): Promise<void>;
  logout(): Promise<void>;
  open(): void;
  state(): WidgetState;
  identity(): IdentityReport;
}

interface PageStorage {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
}

export interface PageElement {
  readonly localName: string;
  readonly textContent: string | null;
  readonly shadowRoot: PageRoot | null;
  readonly attributes: ArrayLike<{ readonly name: string; readonly value: string }>;
  readonly childNodes: ArrayLike<{ readonly nodeType: number; readonly nodeValue: string | null }>;
  getAttribute(name: string): string | null;
}

interface PageRoot {
  readonly textContent: string | null;
  querySelector(selectors: string): PageElement | null;
  querySelectorAll(selectors: string): ArrayLike<PageElement>;
}

interface PageStyle {
  readonly length: number;
  item(index: number): string;
  getPropertyValue(property: string): string;
}

/** `globalThis` in the page, as far as these tests use it. */
export interface PageGlobals {
  readonly HilalChat: HilalChatGlobal;
  readonly document: PageRoot & { readonly adoptedStyleSheets?: ArrayLike<unknown> };
  readonly localStorage: PageStorage;
  readonly sessionStorage: PageStorage;
  getComputedStyle(element: PageElement): PageStyle;
}
