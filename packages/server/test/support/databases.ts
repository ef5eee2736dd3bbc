import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Config, loadConfig } from '../../src/config.js';

/** The PostgreSQL server the tests create their throwaway databases on. */
export const TEST_POSTGRES_URL =
  process.env.HILAL_TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

export type TestDialect = 'sqlite' | 'postgres';
export const DIALECTS: readonly TestDialect[] = ['sqlite', 'postgres'];

export interface TestEnvironment {
  readonly dataDir: string;
  readonly databaseUrl: string;
  /** A config for this database, with `overrides` as environment variables. */
  config(overrides?: Record<string, string>): Config;
  /** The environment variables a child process needs to use the same database. */
  env(overrides?: Record<string, string>): Record<string, string>;
  cleanup(): Promise<void>;
}

/** A fresh data directory and a fresh database of the given dialect. */
export async function createTestEnvironment(dialect: TestDialect): Promise<TestEnvironment> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hilal-test-'));
  let databaseUrl = `sqlite:${path.join(dataDir, 'hilal.sqlite')}`;
  let dropDatabase = async () => {};
  if (dialect === 'postgres') {
    const name = `hilal_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    };
  }
  const baseEnv = { HILAL_DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' };
  return {
    dataDir,
    databaseUrl,
    config: (overrides = {}) => loadConfig({ ...baseEnv, ...overrides }),
    env: (overrides = {}) => ({ ...baseEnv, ...overrides }),
    async cleanup() {
      await dropDatabase();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
