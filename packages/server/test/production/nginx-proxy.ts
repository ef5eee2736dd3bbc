// Debian's nginx, run by a test as an unprivileged-port instance with a prefix of its own, in
// front of `hilal serve` instances, with deploy/nginx/hilal.conf as its site: only the ports,
// the certificate and log paths are changed (each change must apply exactly where expected, so
// the file cannot drift away from what is tested).
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { IN_CI } from '../browser/harness.js';
import { readDeployFile } from './deploy-files.js';

export const NGINX = '/usr/sbin/nginx';

/**
 * For `describe(…, { skip })`: a developer's machine without nginx skips; CI (`.ci/run`
 * installs nginx) does not, and `requireNginx` fails the suite instead, saying why.
 */
export const NO_NGINX = fs.existsSync(NGINX) || IN_CI ? false : `no ${NGINX} (in CI this fails)`;

export function requireNginx(): void {
  assert.ok(
    fs.existsSync(NGINX),
    `nginx is missing at ${NGINX}, and CI is set, so the production topology must run, not ` +
      'skip: install it (apt-get install nginx; .ci/run does).',
  );
}

/** A port nobody listens on right now, on loopback. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Certificate {
  readonly certFile: string;
  readonly keyFile: string;
  /** The certificate in PEM, to trust it as a CA. */
  readonly pem: string;
  readonly keyPem: string;
}

/** A self-signed certificate for localhost and 127.0.0.1, made by `openssl req -x509`. */
export function makeCertificate(dir: string): Certificate {
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  fs.chmodSync(keyFile, 0o600);
  return {
    certFile,
    keyFile,
    pem: fs.readFileSync(certFile, 'utf8'),
    keyPem: fs.readFileSync(keyFile, 'utf8'),
  };
}

export interface SiteOptions {
  /** `127.0.0.1:port` of each instance; deploy/nginx/hilal.conf names two. */
  readonly upstreams: readonly [string, string];
  readonly httpsPort: number;
  readonly httpPort: number;
  readonly certificate: Certificate;
  readonly accessLog: string;
  /** Lines added to the HTTPS server block (a test's diagnostics). */
  readonly extraHttpsLines?: readonly string[];
}

/**
 * deploy/nginx/hilal.conf with this test's ports and paths. Each row names what it replaces
 * and how many times it must occur.
 */
export function renderSite(source: string, options: SiteOptions): string {
  const { upstreams, httpsPort, httpPort, certificate } = options;
  const rows: Array<[find: string, replace: string]> = [
    ['server 127.0.0.1:3001 ', `server ${upstreams[0]} `],
    ['server 127.0.0.1:3002 ', `server ${upstreams[1]} `],
    ['listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`],
    ['listen [::]:443 ssl http2;', ''],
    ['listen 80;', `listen 127.0.0.1:${httpPort};`],
    ['listen [::]:80;', ''],
    ['/etc/ssl/hilal/fullchain.pem', certificate.certFile],
    ['/etc/ssl/hilal/privkey.pem', certificate.keyFile],
    [
      'access_log /var/log/nginx/hilal.access.log hilal;',
      [`access_log ${options.accessLog} hilal;`, ...(options.extraHttpsLines ?? [])].join('\n'),
    ],
  ];
  let text = source;
  for (const [find, replace] of rows) {
    const occurrences = text.split(find).length - 1;
    assert.equal(occurrences, 1, `deploy/nginx/hilal.conf should hold "${find}" once`);
    text = text.replace(find, replace);
  }
  return text;
}

export interface NginxProxy {
  readonly httpsUrl: string;
  readonly httpUrl: string;
  /** The access log so far (deploy/nginx/hilal.conf's `hilal` format). */
  accessLog(): string;
  stop(): Promise<void>;
}

/**
 * Starts nginx in the foreground with a prefix of its own under the system's temporary folder:
 * its main configuration holds only what a Debian install's nginx.conf would (pid, logs, temp
 * paths), and includes the site rendered from deploy/nginx/hilal.conf.
 */
export async function startNginx(
  site: Omit<SiteOptions, 'httpsPort' | 'httpPort' | 'accessLog'> & {
    readonly httpsPort?: number;
    readonly httpPort?: number;
  },
  source = readDeployFile('nginx/hilal.conf'),
): Promise<NginxProxy> {
  requireNginx();
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-nginx-'));
  // Workers run as `nobody` when the test runs as root: they must reach their temp folders.
  fs.chmodSync(prefix, 0o711);
  fs.mkdirSync(path.join(prefix, 'temp'), { mode: 0o711 });
  const httpsPort = site.httpsPort ?? (await freePort());
  const httpPort = site.httpPort ?? (await freePort());
  const accessLog = path.join(prefix, 'hilal.access.log');
  const rendered = renderSite(source, { ...site, httpsPort, httpPort, accessLog });
  fs.writeFileSync(path.join(prefix, 'hilal.conf'), rendered);
  const temp = (name: string) => `${name}_temp_path ${path.join(prefix, 'temp', name)};`;
  const main = [
    'worker_processes 1;',
    `pid ${path.join(prefix, 'nginx.pid')};`,
    `error_log ${path.join(prefix, 'error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    `  access_log ${path.join(prefix, 'access.log')};`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `  ${temp(name)}`),
    `  include ${path.join(prefix, 'hilal.conf')};`,
    '}',
  ].join('\n');
  const conf = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(conf, main);
  const args = ['-p', prefix, '-c', conf, '-e', path.join(prefix, 'error.log')];

  const check = spawnSync(NGINX, ['-t', ...args], { encoding: 'utf8' });
  assert.equal(check.status, 0, `nginx -t refused the configuration:\n${check.stderr}`);

  const child: ChildProcess = spawn(NGINX, [...args, '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await waitForPort(httpsPort, child, () => stderr);
  return {
    httpsUrl: `https://127.0.0.1:${httpsPort}`,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    accessLog: () => (fs.existsSync(accessLog) ? fs.readFileSync(accessLog, 'utf8') : ''),
    async stop() {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      fs.rmSync(prefix, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    assert.equal(child.exitCode, null, `nginx exited: ${stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    assert.ok(Date.now() < deadline, `nginx did not listen on ${port} within 10 s: ${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
