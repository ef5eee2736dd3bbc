import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type FencedBlock, parseMarkdown } from './support/markdown.js';
import { type ServerProcess, startServerProcess } from './support/server-process.js';

// The customer guide (README.md, "Identify signed-in users", steps 1–4) and "Command line" run as
// written: every ```sh block, in order, in one shell, from the repository root, against a fresh
// data folder and a running server. A block is left out only when the README says so, right
// before it, with <!-- not run by the README test: reason -->.

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The guide's steps, which must all be there; its sh blocks run up to "Failure reasons". */
const GUIDE = 'Identify signed-in users';
const GUIDE_ENDS_AT = 'Failure reasons';
const STEPS = [
  '1. Configure the secret',
  '2. Sign a token on your server',
  '3. Pass it to the widget',
  '4. Check that it works',
];
const COMMAND_LINE = 'Command line';

interface GuideBlock extends FencedBlock {
  readonly section: string;
}

/** The sh blocks of the guide (up to "Failure reasons") and of "Command line", in README order. */
function runnableBlocks(): GuideBlock[] {
  const doc = parseMarkdown(README);
  const start = doc.headings.find((heading) => heading.level === 2 && heading.text === GUIDE);
  const end = doc.headings.find(
    (heading) => heading.text === GUIDE_ENDS_AT && heading.line > (start?.line ?? 0),
  );
  assert.ok(start && end, `README.md has "${GUIDE}" and, in it, "${GUIDE_ENDS_AT}"`);
  for (const step of STEPS) {
    assert.ok(
      doc.headings.some((h) => h.text === step && h.line > start.line && h.line < end.line),
      `the guide has the step "${step}"`,
    );
  }
  return doc.blocks.flatMap((block): GuideBlock[] => {
    if (block.lang !== 'sh') return [];
    const top = block.headings.find((heading) => heading.level === 2)?.text;
    const inGuide = top === GUIDE && block.line < end.line;
    if (!inGuide && top !== COMMAND_LINE) return [];
    return [{ ...block, section: block.headings[0]?.text ?? '' }];
  });
}

/**
 * A scratch copy of the repository root, made of links to the real entries, so that whatever the
 * guide writes (`secret.json`, `./data`) lands here instead of in the repository. `npx hilal`
 * runs node_modules/.bin/hilal, the built command. The root package.json is left out: with it,
 * npx would first install the root package into its cache for this new folder, which runs the
 * package's `prepare` (the whole build) on every test run.
 */
function scratchRoot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-readme-'));
  const root = path.join(dir, 'hilal');
  fs.mkdirSync(root);
  const ignored = new Set(['.git', 'data', 'secret.json', 'package.json', 'package-lock.json']);
  for (const entry of fs.readdirSync(ROOT)) {
    if (!ignored.has(entry)) fs.symlinkSync(path.join(ROOT, entry), path.join(root, entry));
  }
  return root;
}

interface ShellRun {
  readonly code: number | null;
  /** What each block printed (stdout and stderr), for the blocks that ran. */
  readonly outputs: readonly string[];
}

/**
 * Runs the blocks in one bash, as a reader pastes them into one terminal, stopping at the first
 * command that fails. Each block's output goes to its own file so a failure names its block.
 */
function runInOneShell(
  blocks: readonly GuideBlock[],
  cwd: string,
  env: Record<string, string>,
): Promise<ShellRun> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-readme-run-'));
  const script = ['set -eo pipefail'];
  blocks.forEach((block, i) => {
    fs.writeFileSync(path.join(work, `${i}.sh`), `${block.code}\n`);
    script.push(`{ . '${work}/${i}.sh'; } > '${work}/${i}.out' 2>&1`);
  });
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script.join('\n')], { cwd, env, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const outputs: string[] = [];
      for (let i = 0; i < blocks.length; i++) {
        const file = path.join(work, `${i}.out`);
        if (!fs.existsSync(file)) break;
        outputs.push(fs.readFileSync(file, 'utf8'));
      }
      fs.rmSync(work, { recursive: true, force: true });
      resolve({ code, outputs });
    });
  });
}

describe('the customer guide in README.md runs as written', () => {
  const blocks = runnableBlocks();
  const toRun = blocks.filter((block) => block.skipReason === undefined);
  let root = '';
  let server: ServerProcess | undefined;
  let run: ShellRun = { code: null, outputs: [] };

  before(async () => {
    root = scratchRoot();
    const dataDir = path.join(root, 'data');
    // The reader's second terminal: `npm start` on a fresh data folder.
    server = await startServerProcess({ HILAL_DATA_DIR: dataDir });
    run = await runInOneShell(toRun, root, {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.homedir(),
      HILAL_DATA_DIR: dataDir,
      HILAL_URL: server.url,
    });
  });
  after(async () => {
    await server?.stop();
    if (root) fs.rmSync(path.dirname(root), { recursive: true, force: true });
  });

  it('has shell blocks in the guide and in "Command line", each run unless marked', () => {
    assert.ok(toRun.some((block) => block.headings.some((h) => h.text === GUIDE)));
    assert.ok(toRun.some((block) => block.section === COMMAND_LINE));
    for (const block of blocks.filter((b) => b.skipReason !== undefined)) {
      assert.ok((block.skipReason ?? '').length > 3, `line ${block.line}: a reason to skip`);
    }
  });

  it('runs every block without an error, in order', () => {
    const failed = run.outputs.length - 1;
    const block = toRun[Math.max(failed, 0)];
    assert.equal(
      run.code,
      0,
      `the block of "${block?.section}" on README.md line ${block?.line} failed:\n` +
        `${block?.code}\n--- it printed:\n${run.outputs[failed] ?? ''}\n--- server:\n` +
        (server?.output().slice(-2000) ?? ''),
    );
    assert.equal(run.outputs.length, toRun.length);
  });

  it('verifies the token of "4. Check that it works"', () => {
    const index = toRun.findIndex((block) => block.code.includes('/api/widget/verify-jwt'));
    assert.ok(index !== -1, 'a block that calls verify-jwt');
    assert.equal(toRun[index]?.section, '4. Check that it works');
    assert.match(run.outputs[index] ?? '', /"verified":true/);
  });

  it('leaves the secret file it writes readable by its owner alone', () => {
    const file = path.join(root, 'secret.json');
    assert.ok(fs.existsSync(file), 'the guide wrote secret.json');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });
});
