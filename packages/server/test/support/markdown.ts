/**
 * Just enough Markdown for the README tests: headings with GitHub's anchors, fenced blocks, and
 * the prose between them. Not a Markdown parser; it reads the documents of this repository.
 */

export interface Heading {
  readonly level: number;
  readonly text: string;
  /** The anchor GitHub gives the heading, `-1`, `-2`… added to repeats. */
  readonly slug: string;
  readonly line: number;
}

export interface FencedBlock {
  /** The info string's first word: `sh`, `js`, `html`, or '' for a bare fence. */
  readonly lang: string;
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The heading the block sits under, the closest first; then its parents. */
  readonly headings: readonly Heading[];
  /** The reason given by `<!-- not run by the README test: reason -->` just before the block. */
  readonly skipReason?: string;
}

export interface MarkdownDocument {
  readonly headings: readonly Heading[];
  readonly blocks: readonly FencedBlock[];
  /** Each line outside fenced blocks, with its 1-based number. */
  readonly prose: readonly { readonly line: number; readonly text: string }[];
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const SKIP_MARKER = /^<!--\s*not run by the README test:\s*(.+?)\s*-->$/;

/** The text GitHub renders for a heading's Markdown: links become their text, code its content. */
export function headingText(markdown: string): string {
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/(\*\*|__|\*)(.+?)\1/g, '$2');
}

/**
 * GitHub's anchor for a heading's text: lowercase, every character but letters, digits, spaces,
 * '-' and '_' dropped, each space a '-'.
 *
 * @example githubSlug('4. Check that it works') // '4-check-that-it-works'
 */
export function githubSlug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

export function parseMarkdown(source: string): MarkdownDocument {
  const lines = source.split('\n');
  const headings: Heading[] = [];
  const blocks: FencedBlock[] = [];
  const prose: { line: number; text: string }[] = [];
  const seen = new Map<string, number>();
  let open: { fence: string; lang: string; line: number; body: string[] } | undefined;

  lines.forEach((text, index) => {
    const line = index + 1;
    if (open) {
      const closing = text.trim();
      if (closing.startsWith(open.fence[0] ?? '`') && /^(`{3,}|~{3,})$/.test(closing)) {
        if (closing.length >= open.fence.length) {
          blocks.push({
            lang: open.lang,
            code: open.body.join('\n'),
            line: open.line,
            headings: enclosing(headings),
            ...skipReasonBefore(lines, open.line - 1),
          });
          open = undefined;
          return;
        }
      }
      open.body.push(text);
      return;
    }
    const fence = FENCE.exec(text);
    if (fence) {
      open = { fence: fence[1] ?? '```', lang: fence[2] ?? '', line, body: [] };
      return;
    }
    prose.push({ line, text });
    const heading = HEADING.exec(text);
    if (heading) {
      const rendered = headingText(heading[2] ?? '');
      const base = githubSlug(rendered);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      headings.push({
        level: (heading[1] ?? '').length,
        text: rendered,
        slug: count === 0 ? base : `${base}-${count}`,
        line,
      });
    }
  });
  if (open) throw new Error(`unclosed code fence opened on line ${open.line}`);
  return { headings, blocks, prose };
}

/** The current heading and each of its parents, nearest first. */
function enclosing(headings: readonly Heading[]): Heading[] {
  const chain: Heading[] = [];
  let level = 7;
  for (let i = headings.length - 1; i >= 0; i--) {
    const heading = headings[i];
    if (heading && heading.level < level) {
      chain.push(heading);
      level = heading.level;
    }
  }
  return chain;
}

/** The marker must be the last non-blank line before the fence (0-based index of the fence). */
function skipReasonBefore(lines: readonly string[], fenceIndex: number): { skipReason?: string } {
  for (let i = fenceIndex - 1; i >= 0; i--) {
    const text = (lines[i] ?? '').trim();
    if (text === '') continue;
    const marker = SKIP_MARKER.exec(text);
    return marker?.[1] ? { skipReason: marker[1] } : {};
  }
  return {};
}
