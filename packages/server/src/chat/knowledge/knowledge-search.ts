import type { KnowledgeEntry } from './knowledge-entry.js';
import { tokenize } from './tokenize.js';

export interface KnowledgeSearchOptions {
  /** At most this many entries (default 3). */
  readonly limit?: number;
  /**
   * Entries scoring below this are left out (default 0.15). With the scoring below, one match of
   * a query term in a body of average length scores that term's idf, so 0.15 keeps a single match
   * in a one- or two-entry knowledge base but drops a lone word that every entry of a larger one
   * shares, which says nothing about which entry the visitor means.
   */
  readonly minScore?: number;
}

// BM25 (Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond", 2009),
// in its BM25F form: each field's term frequency is length-normalized and weighted before the
// saturation, so a title match counts as several body matches without being a separate score.
const K1 = 1.2;
const B = 0.75;
const FIELDS = [
  { name: 'title', weight: 3 },
  { name: 'body', weight: 1 },
] as const;

interface IndexedEntry {
  readonly entry: KnowledgeEntry;
  readonly fields: ReadonlyArray<{ readonly counts: Map<string, number>; readonly length: number }>;
}

/** A bot's entries, tokenized once: what a search needs besides the query (`buildKnowledgeIndex`). */
export interface KnowledgeIndex {
  readonly entries: readonly IndexedEntry[];
  readonly averageLength: readonly number[];
  /** How many entries hold each term, in any field. */
  readonly containing: ReadonlyMap<string, number>;
}

/**
 * Tokenizes a bot's entries for `searchKnowledgeIndex`. The work grows with the knowledge base
 * and not with the query, so a bot's index is built once and kept until its entries change
 * (`knowledge-indexes.ts`).
 */
export function buildKnowledgeIndex(entries: readonly KnowledgeEntry[]): KnowledgeIndex {
  const indexed: IndexedEntry[] = entries.map((entry) => ({
    entry,
    fields: FIELDS.map(({ name }) => {
      const tokens = tokenize(entry[name]);
      return { counts: countTerms(tokens), length: tokens.length };
    }),
  }));
  const averageLength = FIELDS.map(
    (_, f) =>
      indexed.reduce((sum, doc) => sum + (doc.fields[f]?.length ?? 0), 0) / indexed.length || 1,
  );
  const containing = new Map<string, number>();
  for (const doc of indexed) {
    const terms = new Set(doc.fields.flatMap((field) => [...field.counts.keys()]));
    for (const term of terms) containing.set(term, (containing.get(term) ?? 0) + 1);
  }
  return { entries: indexed, averageLength, containing };
}

/**
 * Full-text search over a bot's knowledge entries: best first, at most `limit`, each scoring at
 * least `minScore`; `[]` when nothing matches. A pure function of its arguments, so it ranks the
 * same whichever database the entries came from.
 *
 * @example
 * const entries = await listKnowledgeEntries(db, orgId, botId);
 * const knowledge = searchKnowledge(entries, 'How long does shipping take?');
 */
export function searchKnowledge(
  entries: readonly KnowledgeEntry[],
  query: string,
  options: KnowledgeSearchOptions = {},
): KnowledgeEntry[] {
  return searchKnowledgeIndex(buildKnowledgeIndex(entries), query, options);
}

/** `searchKnowledge` over entries tokenized ahead (`buildKnowledgeIndex`); the same ranking. */
export function searchKnowledgeIndex(
  index: KnowledgeIndex,
  query: string,
  options: KnowledgeSearchOptions = {},
): KnowledgeEntry[] {
  const { limit = 3, minScore = 0.15 } = options;
  const terms = [...new Set(tokenize(query))];
  const { entries: indexed, averageLength, containing } = index;
  if (terms.length === 0 || indexed.length === 0 || limit <= 0) return [];
  const idf = new Map(
    terms.map((term) => {
      const n = containing.get(term) ?? 0;
      // Lucene's variant: never negative, so a term in every entry still counts a little.
      return [term, Math.log(1 + (indexed.length - n + 0.5) / (n + 0.5))];
    }),
  );
  const scored = indexed.map((doc, position) => {
    let score = 0;
    for (const term of terms) {
      let frequency = 0;
      FIELDS.forEach(({ weight }, f) => {
        const field = doc.fields[f];
        const count = field?.counts.get(term) ?? 0;
        if (field === undefined || count === 0) return;
        const norm = 1 - B + (B * field.length) / (averageLength[f] ?? 1);
        frequency += (weight * count) / norm;
      });
      if (frequency > 0) score += ((idf.get(term) ?? 0) * frequency * (K1 + 1)) / (K1 + frequency);
    }
    return { entry: doc.entry, score, position };
  });

  return scored
    .filter((result) => result.score >= minScore && result.score > 0)
    .sort((a, b) => b.score - a.score || a.position - b.position)
    .slice(0, limit)
    .map((result) => result.entry);
}

function countTerms(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}
