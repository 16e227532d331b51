/**
 * Opens MikroORM on Postgres: the one at DATABASE_URL, or the embedded one. Everything that needs
 * the database (service, admin CLI, tests) comes through {@link openDatabase}.
 */
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import type { DatabaseConfig } from '../config.ts';
import { DeepClawError } from '../errors.ts';
import { migrationsList } from '../../migrations/index.ts';
import { entities } from './entities/index.ts';
import { findRunningEmbeddedPostgres, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.ts';

export type Orm = MikroORM;

export interface Database {
  orm: Orm;
  /** Where the ORM connected; for logs, without credentials. */
  location: string;
  /** `embedded` when this process runs PGlite itself, `shared-embedded` when it uses a running service's. */
  kind: 'postgres' | 'embedded' | 'shared-embedded';
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  database: DatabaseConfig;
  /** Holds the embedded database; `undefined` runs it in memory (tests). */
  dataDir?: string;
  /** The admin CLI uses a running service's embedded database instead of failing on its lock. */
  shareRunningEmbedded?: boolean;
  applicationName?: string;
}

/** The database could not be reached or opened. */
export class DatabaseUnavailableError extends DeepClawError {}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const { database } = options;
  if (database.url) {
    const orm = await connectOrm(database.url, database, options.applicationName);
    return { orm, kind: 'postgres', location: withoutCredentials(database.url), close: () => orm.close() };
  }
  if (options.shareRunningEmbedded && options.dataDir) {
    const runningUrl = await findRunningEmbeddedPostgres(options.dataDir);
    if (runningUrl) {
      const orm = await connectOrm(runningUrl, { ...database, poolSize: 1 }, options.applicationName);
      return { orm, kind: 'shared-embedded', location: `embedded (served by the running service) ${runningUrl}`, close: () => orm.close() };
    }
  }
  // The embedded server multiplexes connections onto one PGlite session; leave room for the CLI.
  const embedded: EmbeddedPostgres = await startEmbeddedPostgres({
    dataDir: options.dataDir,
    maxConnections: database.poolSize + 8,
  });
  try {
    const orm = await connectOrm(embedded.url, database, options.applicationName);
    return {
      orm,
      kind: 'embedded',
      location: `embedded ${options.dataDir ?? 'in memory'}`,
      async close() {
        // A query stuck on the database thread would hold the pool's end forever; the thread
        // stopping fails it. Give the pool a few seconds to drain first.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([orm.close(), new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
        clearTimeout(timer);
        await embedded.stop();
      },
    };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}

/** MikroORM configuration shared by every process; exported for the migration generator. */
export function ormOptions(clientUrl: string, database: Pick<DatabaseConfig, 'poolSize' | 'statementTimeoutMs'>, applicationName = 'deepclaw') {
  return {
    clientUrl,
    entities,
    extensions: [Migrator],
    // Schema changes come only from migrations/, listed explicitly so nothing depends on globbing.
    migrations: { migrationsList, snapshot: false, disableForeignKeys: false, silent: true },
    pool: { min: 0, max: database.poolSize, idleTimeoutMillis: 30_000 },
    driverOptions: {
      // Every statement is bounded, so a stuck database turns into an error, not a hung request.
      statement_timeout: database.statementTimeoutMs,
      query_timeout: database.statementTimeoutMs + 1000,
      connectionTimeoutMillis: 5000,
      application_name: applicationName,
      // Short queries over many rows make the planner's cost cross JIT's threshold, and compiling
      // then takes longer than running (measured: 640 ms of JIT for a 100 ms evaluation query).
      options: '-c jit=off',
    },
    // Request handlers fork their own EntityManager; the global one is a bug waiting to happen.
    allowGlobalContext: false,
    debug: false,
  };
}

async function connectOrm(url: string, database: Pick<DatabaseConfig, 'poolSize' | 'statementTimeoutMs'>, applicationName?: string): Promise<Orm> {
  try {
    const orm = await MikroORM.init(ormOptions(url, database, applicationName));
    await orm.em.getConnection().execute('select 1');
    return orm;
  } catch (error) {
    throw new DatabaseUnavailableError(
      'database_unavailable',
      `cannot reach Postgres at ${withoutCredentials(url)}: ${(error as Error).message}`,
    );
  }
}

/** `postgres://user:secret@host/db` -> `postgres://user@host/db`, for logs and errors. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparseable database URL)';
  }
}
