// The deployment files of deploy/, read as a test reads them: what each runs, and with which
// environment, so that the suites can check they run exactly that.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository's root, seen from packages/server/dist/test/production. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
export const DEPLOY_DIR = `${REPOSITORY_ROOT}deploy/`;

/** The entry point every deployment file starts, relative to the repository root. */
export const HILAL_ENTRY = 'packages/server/bin/hilal.js';

export function readDeployFile(name: string): string {
  return fs.readFileSync(`${DEPLOY_DIR}${name}`, 'utf8');
}

/** A command a deployment file runs: where it says so, and the `hilal` arguments. */
export interface DeployCommand {
  readonly where: string;
  readonly hilalArgs: readonly string[];
}

/** The words after `…/packages/server/bin/hilal.js`, or undefined when `argv` does not run it. */
function hilalArgs(argv: readonly string[]): string[] | undefined {
  const entry = argv.findIndex((word) => word.endsWith(HILAL_ENTRY));
  if (entry < 1 || !/(^|\/)node$/.test(argv[entry - 1] ?? '')) return undefined;
  return argv.slice(entry + 1);
}

/**
 * Every `hilal` command in deploy/: the Dockerfile's CMD, compose.yaml's `command:` entries
 * (JSON arrays, which YAML reads as they are) and the systemd units' ExecStart lines.
 * A command that runs something other than `node …/hilal.js` is reported with no arguments
 * found, so the test fails on it rather than skipping it.
 */
export function deployCommands(): DeployCommand[] {
  const found: DeployCommand[] = [];
  const add = (where: string, argv: readonly string[]) =>
    found.push({ where, hilalArgs: hilalArgs(argv) ?? [`(not hilal: ${argv.join(' ')})`] });

  for (const line of readDeployFile('Dockerfile').split('\n')) {
    const cmd = /^(CMD|ENTRYPOINT)\s+(\[.*\])\s*$/.exec(line);
    if (cmd?.[2]) add(`Dockerfile ${cmd[1]}`, JSON.parse(cmd[2]) as string[]);
  }
  const compose = readDeployFile('compose.yaml').split('\n');
  let service = '';
  for (const line of compose) {
    const name = /^ {2}([a-z][a-z0-9-]*):\s*$/.exec(line);
    if (name?.[1]) service = name[1];
    const command = /^\s+command:\s*(\[.*\])\s*$/.exec(line);
    if (command?.[1]) {
      const argv = JSON.parse(command[1]) as string[];
      if (argv[0] === 'node') add(`compose.yaml ${service}`, argv);
    }
  }
  for (const unit of ['systemd/hilal@.service', 'systemd/hilal-migrate.service']) {
    for (const line of readDeployFile(unit).split('\n')) {
      const exec = /^ExecStart=(.*)$/.exec(line);
      if (exec?.[1]) add(unit, exec[1].trim().split(/\s+/));
    }
  }
  return found;
}

/** `KEY=value` lines of a systemd environment file, comments and blanks left out. */
export function environmentFile(name: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of readDeployFile(name).split('\n')) {
    const entry = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (entry?.[1]) entries.set(entry[1], entry[2] ?? '');
  }
  return entries;
}

/** The `environment: &hilal-env` block of compose.yaml, the instances' shared settings. */
export function composeEnvironment(): Map<string, string> {
  const lines = readDeployFile('compose.yaml').split('\n');
  const start = lines.findIndex((line) => /^\s+environment: &hilal-env\s*$/.test(line));
  const entries = new Map<string, string>();
  for (const line of lines.slice(start + 1)) {
    const entry = /^ {4}([A-Z][A-Z0-9_]*):\s*(.*)$/.exec(line);
    if (!entry?.[1]) break;
    entries.set(entry[1], entry[2] ?? '');
  }
  return entries;
}
