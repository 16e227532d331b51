/**
 * Real Postgres for storage-backed tests. Every suite runs on the embedded database (PGlite, in
 * memory); with TEST_DATABASE_URL set it runs again on that server, in a database of its own
 * that is dropped afterwards, so runs never collide.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import type { DatabaseConfig } from '../../bot/config.ts';
import { startEmbeddedPostgres } from '../../bot/storage/embedded-postgres.ts';
import { migrateToLatest } from '../../bot/storage/migrate.ts';
import { openDatabase, type Database } from '../../bot/storage/orm.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

export type Backend = 'embedded' | 'postgres';

export const BACKENDS: Backend[] = process.env.TEST_DATABASE_URL ? ['embedded', 'postgres'] : ['embedded'];

export const TEST_DATABASE_CONFIG: DatabaseConfig = {
  poolSize: 4,
  statementTimeoutMs: 5000,
  migrateOnStart: true,
};

/** A migrated, empty database reachable at `url`, through a proxy the test may cut. */
export interface TestDatabase {
  backend: Backend;
  /** Connection URL through the proxy; hand it to anything as DATABASE_URL. */
  url: string;
  database: Database;
  proxy: TcpProxy;
  close(): Promise<void>;
}

export async function createTestDatabase(backend: Backend): Promise<TestDatabase> {
  const server = backend === 'embedded' ? await embeddedServer() : await scratchPostgresDatabase();
  const target = new URL(server.url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  target.port = String(proxy.port);
  const url = target.toString();
  const database = await openDatabase({ database: { ...TEST_DATABASE_CONFIG, url } });
  await migrateToLatest(database.orm);
  return {
    backend,
    url,
    database,
    proxy,
    async close() {
      await proxy.restore();
      await database.close();
      await proxy.close();
      await server.drop();
    },
  };
}

/**
 * `describe` once per backend, with a fresh migrated database for the block:
 *
 *   describeStorage('sync tokens', (db) => { it('…', async () => { db().database.orm … }) })
 */
export function describeStorage(name: string, body: (db: () => TestDatabase) => void): void {
  describe.each(BACKENDS)(`${name} [%s]`, (backend) => {
    let current: TestDatabase | undefined;
    beforeAll(async () => {
      current = await createTestDatabase(backend);
    });
    afterAll(async () => {
      await current?.close();
    });
    body(() => {
      if (!current) throw new Error('the test database is not open yet');
      return current;
    });
  });
}

async function embeddedServer(): Promise<{ url: string; drop(): Promise<void> }> {
  const embedded = await startEmbeddedPostgres({ maxConnections: 32 });
  return { url: embedded.url, drop: () => embedded.stop() };
}

async function scratchPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `deepclaw_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
