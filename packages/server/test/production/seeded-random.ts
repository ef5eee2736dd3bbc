import { randomInt } from 'node:crypto';

/**
 * A small seeded generator (mulberry32), so that a fuzz failure replays: the suites print their
 * seed, and HILAL_FUZZ_SEED=<seed> runs the same inputs again.
 */
export class SeededRandom {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A seed from HILAL_FUZZ_SEED, or a fresh one. */
  static fromEnvironment(): SeededRandom {
    const given = process.env.HILAL_FUZZ_SEED;
    return new SeededRandom(given ? Number(given) : randomInt(2 ** 31));
  }

  /** [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new TypeError('pick from an empty list');
    return item;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Text of up to `max` characters drawn from awkward alphabets: NUL, controls, RTL, emoji, lone surrogates. */
  text(max: number): string {
    const length = this.int(max + 1);
    let out = '';
    for (let i = 0; i < length; i++) out += this.pick(ALPHABETS)(this);
    return out;
  }

  /** Printable text of up to `max` characters: words, punctuation, accents, RTL and emoji. */
  words(max: number): string {
    const length = this.int(max + 1);
    let out = '';
    while (out.length < length) out += this.pick(WORDS);
    return out.slice(0, length);
  }

  /** Any JSON value, nested up to `depth`. */
  json(depth: number): unknown {
    const kind = this.int(depth > 0 ? 8 : 6);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.pick([0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER]);
      case 3:
      case 4:
        return this.text(40);
      case 5:
        return this.pick(['', 'org_', 'bot_', 'hws_', '__proto__', 'constructor', '\u0000']);
      case 6:
        return Array.from({ length: this.int(4) }, () => this.json(depth - 1));
      default:
        return Object.fromEntries(
          Array.from({ length: this.int(4) }, () => [
            this.pick([
              'text',
              'clientMessageId',
              'token',
              'orgId',
              'botId',
              '__proto__',
              this.text(8),
            ]),
            this.json(depth - 1),
          ]),
        );
    }
  }
}

const WORDS = [
  'hello ',
  'shipping ',
  'Ada ',
  '? ',
  '! ',
  'é ',
  'ملك ',
  '名前 ',
  '😀 ',
  '👩‍💻 ',
  '<b>',
  '</script>',
  "' OR 1=1 --",
  '%s ',
  '{name} ',
  '\\ ',
  '"',
  '\n',
];

const ALPHABETS: ReadonlyArray<(random: SeededRandom) => string> = [
  (r) => String.fromCharCode(97 + r.int(26)),
  (r) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.charAt(r.int(64)),
  (r) => String.fromCharCode(r.int(32)), // controls, NUL included
  (r) => r.pick(['"', '\\', '{', '}', '[', ']', ',', ':', '.', '=', '+', '/', ' ', '%', '?', '#']),
  (r) => r.pick(['é', 'ß', 'ı', 'İ', 'ﬁ', '\u202e', '\u200b', '\ufeff', 'ملك', '名', '😀', '👩‍💻']),
  (r) => String.fromCharCode(0xd800 + r.int(0x800)), // a lone surrogate
  (r) => String.fromCodePoint(r.int(0x10ffff + 1) & ~0x800), // anything but surrogates
];
