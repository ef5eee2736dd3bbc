import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type MarkdownDocument, parseMarkdown } from './support/markdown.js';

// The README and docs stand alone: every link stays in the repository or goes to a public page of
// a library, a registry or a standard, and every path they name exists.

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** README.md, docs/*.md and packages/*\/README.md, as paths from the repository root. */
function documents(): string[] {
  const docs = fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  const packages = fs
    .readdirSync(path.join(ROOT, 'packages'))
    .map((name) => `packages/${name}/README.md`)
    .filter((file) => fs.existsSync(path.join(ROOT, file)));
  return ['README.md', ...docs, ...packages];
}

/**
 * Public pages a link may point to: package registries, the libraries' project pages, standards.
 * A GitHub link must be a project page (owner/name, nothing after it).
 */
const PUBLIC_PAGES: readonly RegExp[] = [
  /^https:\/\/(www\.)?npmjs\.com\/package\/[\w@./-]+$/,
  /^https:\/\/pypi\.org\/project\/[\w.-]+\/?$/,
  /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/?$/,
  /^https:\/\/(www\.rfc-editor\.org\/rfc|datatracker\.ietf\.org\/doc\/html)\/rfc\d+(\.html)?(#[\w.-]+)?$/,
  /^https:\/\/[a-z]+\.spec\.whatwg\.org\/[\w./#-]*$/,
  /^https:\/\/developer\.mozilla\.org\/[\w./#%-]+$/,
];

/**
 * In examples (code), URLs may also name a server of the reader's own: the reserved example
 * domains (RFC 2606), the local machine, or the OpenAI endpoint that HILAL_LLM_BASE_URL's row
 * gives as an example of a compatible one.
 */
const EXAMPLE_HOSTS =
  /^(localhost|127\.0\.0\.1|([\w-]+\.)*example(\.(com|org|net))?|api\.openai\.com)$/;

/** Words that point at files outside the repository (the brief this repository was built from). */
const OUTSIDE_REFERENCES: readonly RegExp[] = [/\.\.\/shared/, /\bSPEC\b/, /\/work\//, /STYLE\.md/];

const URL_PATTERN = /\bhttps?:\/\/[^\s<>()`'"\]{}]+[^\s<>()`'".,;:\]{}]/g;
const INLINE_LINK = /!?\[(?:[^\]`]|`[^`]*`)*\]\(\s*<?([^\s)>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/;
const HTML_HREF = /\bhref="([^"]*)"/g;

/** Top-level entries a bare path may start with, and where a path relative to a package lives. */
const TOP_LEVEL = new Set(['packages', 'docs', 'scripts', 'bench', '.ci', 'deploy']);
const FILE_EXTENSION = /\.(ts|js|mjs|cjs|json|md|sh|py)$/;

interface Found {
  readonly line: number;
  readonly text: string;
}

/** Prose lines with their code spans cut out, and the code spans on their own. */
function split(doc: MarkdownDocument): { prose: Found[]; spans: Found[] } {
  const prose: Found[] = [];
  const spans: Found[] = [];
  for (const { line, text } of doc.prose) {
    const cut = text.replace(/(`+)([\s\S]*?)\1/g, (_match, _ticks, span: string) => {
      spans.push({ line, text: span });
      return ' ';
    });
    prose.push({ line, text: cut });
  }
  return { prose, spans };
}

/** Every link a reader can follow: inline links, reference definitions, hrefs, bare URLs. */
function links(prose: readonly Found[]): Found[] {
  const found: Found[] = [];
  for (const { line, text } of prose) {
    const targets = new Set<string>();
    for (const match of text.matchAll(INLINE_LINK)) targets.add(match[1] ?? '');
    const definition = REFERENCE_DEFINITION.exec(text);
    if (definition?.[1]) targets.add(definition[1]);
    for (const match of text.matchAll(HTML_HREF)) targets.add(match[1] ?? '');
    const withoutLinks = text.replace(INLINE_LINK, ' ');
    for (const match of withoutLinks.matchAll(URL_PATTERN)) targets.add(match[0]);
    for (const target of targets) found.push({ line, text: target });
  }
  return found;
}

function isPublicPage(url: string): boolean {
  return PUBLIC_PAGES.some((pattern) => pattern.test(url));
}

function isExampleUrl(url: string): boolean {
  try {
    return EXAMPLE_HOSTS.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** The headings' anchors of a Markdown file in the repository, read once. */
const anchorCache = new Map<string, Set<string>>();
function anchorsOf(file: string): Set<string> {
  let anchors = anchorCache.get(file);
  if (!anchors) {
    const doc = parseMarkdown(fs.readFileSync(path.join(ROOT, file), 'utf8'));
    anchors = new Set(doc.headings.map((heading) => heading.slug));
    anchorCache.set(file, anchors);
  }
  return anchors;
}

/** What is wrong with a link from `file`, or undefined when it is fine. */
function linkProblem(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    return isPublicPage(target) ? undefined : 'points outside the repository';
  }
  const [pathPart = '', anchor] = target.split('#', 2);
  const resolved =
    pathPart === ''
      ? file
      : path.posix.normalize(path.posix.join(path.posix.dirname(file), pathPart));
  if (resolved.startsWith('..') || path.posix.isAbsolute(resolved)) {
    return 'leaves the repository';
  }
  if (!fs.existsSync(path.join(ROOT, resolved))) return `${resolved} does not exist`;
  if (anchor !== undefined) {
    if (!resolved.endsWith('.md')) return `#${anchor} on a file that is not Markdown`;
    if (!anchorsOf(resolved).has(anchor)) return `${resolved} has no heading #${anchor}`;
  }
  return undefined;
}

/**
 * Paths named in the text, such as `docs/contract.md` or `identity/signing-keys.ts`: those that
 * start at a top-level folder of the repository, or end in a source or document extension.
 */
function namedPaths(texts: readonly Found[]): Found[] {
  const found: Found[] = [];
  const pattern = /(?<![\w/.:@<…-])((?:\.{1,2}\/)*[\w@.-]+(?:\/[\w@.-]+)+\/?)(?![\w/<…])/g;
  for (const { line, text } of texts) {
    for (const match of text.matchAll(pattern)) {
      const candidate = match[1] ?? '';
      const first = candidate.split('/')[0] ?? '';
      if (/^[A-Z][A-Z0-9_]*$/.test(first)) continue; // HILAL_DATA_DIR/master.key: a variable
      if (first === '.') continue; // ./secret.json: in the reader's current folder
      if (candidate.startsWith('../') || TOP_LEVEL.has(first) || FILE_EXTENSION.test(candidate)) {
        found.push({ line, text: candidate });
      }
    }
  }
  return found;
}

/** A named path exists from the root, the document's folder, a package, or the server's src/. */
function pathExists(file: string, named: string): boolean {
  const packages = fs.readdirSync(path.join(ROOT, 'packages')).map((name) => `packages/${name}`);
  const bases = [
    '.',
    path.posix.dirname(file),
    ...packages,
    ...packages.map((dir) => `${dir}/src`),
    'packages/server/test',
  ];
  return bases.some((base) => {
    const resolved = path.posix.normalize(path.posix.join(base, named));
    return !resolved.startsWith('..') && fs.existsSync(path.join(ROOT, resolved));
  });
}

function report(file: string, problems: readonly string[]): void {
  assert.deepEqual(problems, [], `${file}:\n  ${problems.join('\n  ')}`);
}

describe('README.md and docs/ stand alone', () => {
  for (const file of documents()) {
    const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const doc = parseMarkdown(source);
    const { prose, spans } = split(doc);

    describe(file, () => {
      it('links only inside the repository or to public library, registry and standards pages', () => {
        const problems = links(prose).flatMap(({ line, text }) => {
          const problem = linkProblem(file, text);
          return problem ? [`line ${line}: ${text}: ${problem}`] : [];
        });
        report(file, problems);
      });

      it('uses only example servers in its examples', () => {
        const code = [
          ...spans,
          ...doc.blocks.flatMap((block) =>
            block.code.split('\n').map((text, i) => ({ line: block.line + 1 + i, text })),
          ),
        ];
        const problems = code.flatMap(({ line, text }) =>
          [...text.matchAll(URL_PATTERN)]
            .map((match) => match[0])
            .filter((url) => !isPublicPage(url) && !isExampleUrl(url))
            .map((url) => `line ${line}: ${url}`),
        );
        report(file, problems);
      });

      it('names no file outside the repository', () => {
        const problems = source
          .split('\n')
          .flatMap((text, i) =>
            OUTSIDE_REFERENCES.filter((pattern) => pattern.test(text)).map(
              (pattern) => `line ${i + 1}: ${pattern} in ${JSON.stringify(text.trim())}`,
            ),
          );
        report(file, problems);
      });

      it('names only paths that exist', () => {
        const problems = namedPaths([...prose, ...spans])
          .filter(({ text }) => !pathExists(file, text))
          .map(({ line, text }) => `line ${line}: ${text}`);
        report(file, problems);
      });
    });
  }
});

describe('the Markdown reader of these tests', () => {
  it('makes GitHub’s anchors', async () => {
    const { githubSlug, headingText } = await import('./support/markdown.js');
    const cases: [string, string][] = [
      ['4. Check that it works', '4-check-that-it-works'],
      [
        'Node.js ([jsonwebtoken](https://www.npmjs.com/package/jsonwebtoken))',
        'nodejs-jsonwebtoken',
      ],
      ['`POST /api/widget/verify-jwt`', 'post-apiwidgetverify-jwt'],
      ['HTTP API', 'http-api'],
      ['snake_case and — dashes', 'snake_case-and--dashes'],
    ];
    for (const [markdown, slug] of cases) assert.equal(githubSlug(headingText(markdown)), slug);
  });

  it('numbers repeated headings as GitHub does', () => {
    const doc = parseMarkdown('# A\n## Notes\n```sh\n# Notes\n```\n## Notes\n');
    assert.deepEqual(
      doc.headings.map((heading) => heading.slug),
      ['a', 'notes', 'notes-1'],
    );
  });

  it('finds the links the checks above rely on', () => {
    const doc = parseMarkdown(
      'See [the guide](#guide), [docs](docs/contract.md#4) and `not [a](link)`; https://x.test/a.\n',
    );
    const { prose } = split(doc);
    assert.deepEqual(
      links(prose).map((found) => found.text),
      ['#guide', 'docs/contract.md#4', 'https://x.test/a'],
    );
    assert.equal(linkProblem('README.md', 'https://x.test/a'), 'points outside the repository');
    assert.equal(linkProblem('README.md', '../shared/SPEC.md'), 'leaves the repository');
    assert.match(linkProblem('README.md', 'docs/nothing.md') ?? '', /does not exist/);
    assert.match(linkProblem('README.md', '#no-such-heading') ?? '', /no heading/);
    assert.equal(linkProblem('README.md', '#command-line'), undefined);
  });

  it('finds the paths the text names, and not URLs, media types or variables', () => {
    const text =
      'docs/contract.md §4, identity/signing-keys.ts, ../shared/x, HILAL_DATA_DIR/master.key, ' +
      '/api/chat/events, text/plain, https://pypi.org/project/PyJWT/, src/<feature>/…, ' +
      'require("./secret.json")';
    assert.deepEqual(
      namedPaths([{ line: 1, text }]).map((found) => found.text),
      ['docs/contract.md', 'identity/signing-keys.ts', '../shared/x'],
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, as in the README
    const shell = 'HILAL_URL=${HILAL_URL:-http://127.0.0.1:3000}; curl "$HILAL_URL/api"';
    assert.deepEqual(
      [...shell.matchAll(URL_PATTERN)].map((match) => match[0]),
      ['http://127.0.0.1:3000'],
    );
    assert.equal(pathExists('README.md', 'identity/signing-keys.ts'), true);
    assert.equal(pathExists('README.md', 'docs/SPEC.md'), false);
  });
});
