import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KnowledgeEntry } from './knowledge-entry.js';
import { searchKnowledge } from './knowledge-search.js';
import { splitWords, tokenize } from './tokenize.js';

const ENTRIES: KnowledgeEntry[] = [
  {
    id: 'shipping',
    title: 'Shipping times',
    body: 'Orders ship within 2 business days. Delivery takes 3 to 5 days in the US.',
  },
  {
    id: 'returns',
    title: 'Returns and refunds',
    body: 'You can return any item within 30 days for a full refund of your money.',
  },
  {
    id: 'password',
    title: 'Resetting your password',
    body: 'Click "Forgot password" on the sign-in page and follow the link we email you.',
  },
  {
    id: 'payment',
    title: 'Payment methods',
    body: 'We accept credit cards, PayPal and bank transfers. Invoices are sent by email.',
  },
  {
    id: 'hours',
    title: 'Opening hours',
    body: 'Our support team is open Monday to Friday, 9:00–17:00, and closed on weekends.',
  },
  { id: 'kargo', title: 'Kargo ücreti', body: 'Türkiye içi gönderimlerde kargo ücretsizdir.' },
  { id: 'haiso', title: '配送料金', body: '全国一律500円です。' },
];

describe('searchKnowledge', () => {
  // [query, expected best entry]
  const rows: Array<[string, string]> = [
    ['How long does shipping take?', 'shipping'],
    ['Can I get a refund?', 'returns'],
    ['I want my money back', 'returns'],
    ['I forgot my password', 'password'],
    ['Do you accept credit cards?', 'payment'],
    ['When are you open on weekends?', 'hours'],
    ['HOURS', 'hours'],
    ['kargo ücreti ne kadar', 'kargo'],
    ['配送について', 'haiso'],
  ];
  for (const [query, expected] of rows) {
    it(`ranks "${expected}" first for "${query}"`, () => {
      assert.equal(searchKnowledge(ENTRIES, query)[0]?.id, expected);
    });
  }

  it('returns [] when nothing matches', () => {
    assert.deepEqual(searchKnowledge(ENTRIES, 'quantum chromodynamics'), []);
  });

  it('returns [] for a query of stop words only, and for no entries', () => {
    assert.deepEqual(searchKnowledge(ENTRIES, 'what is it?'), []);
    assert.deepEqual(searchKnowledge([], 'shipping'), []);
  });

  it('weights a title match above a body match', () => {
    const entries = [
      { id: 'body', title: 'Delivery', body: 'Invoices are emailed once your invoice is paid.' },
      { id: 'title', title: 'Invoices', body: 'Find them under Account, then Billing.' },
    ];
    assert.deepEqual(
      searchKnowledge(entries, 'invoice').map((e) => e.id),
      ['title', 'body'],
    );
  });

  it('returns at most `limit` entries, best first', () => {
    const results = searchKnowledge(ENTRIES, 'email refund password payment', { limit: 2 });
    assert.equal(results.length, 2);
  });

  it('leaves out entries below minScore', () => {
    assert.deepEqual(searchKnowledge(ENTRIES, 'shipping', { minScore: 1000 }), []);
  });

  it('answers from a one-entry knowledge base', () => {
    const only = ENTRIES.filter((e) => e.id === 'hours');
    assert.equal(searchKnowledge(only, 'are you open on Sunday?')[0]?.id, 'hours');
  });
});

describe('tokenize', () => {
  const rows: Array<[string, string[]]> = [
    ['Do you ship boxes to the Policies page?', ['ship', 'box', 'policy', 'page']],
    ["The customer's address status", ['customer', 'address', 'status']],
    ['Classes, matches & fees!', ['class', 'match', 'fee']],
    ['Größe — ÉTÉ 2024 🎉', ['größe', 'été', '2024']],
    ['配送', ['配送']],
    ['', []],
  ];
  for (const [text, expected] of rows) {
    it(`tokenizes ${JSON.stringify(text)}`, () => assert.deepEqual(tokenize(text), expected));
  }

  it('splits words on punctuation and drops apostrophes inside words', () => {
    assert.deepEqual(splitWords("Hi! What's the café's Wi-Fi?"), [
      'hi',
      'whats',
      'the',
      'cafés',
      'wi',
      'fi',
    ]);
  });
});
