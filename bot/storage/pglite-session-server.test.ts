import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteSessionServer } from './pglite-session-server.ts';

const HOST = '127.0.0.1';

describe('PgliteSessionServer', () => {
  let db: PGlite;
  let server: PgliteSessionServer;
  let url: string;

  beforeAll(async () => {
    db = await PGlite.create('memory://');
    server = new PgliteSessionServer({ db, host: HOST, port: 0, maxConnections: 40 });
    url = `postgres://postgres@${HOST}:${await server.start()}/postgres`;
    await db.exec('create table committed (id int primary key, tag text not null)');
  });

  afterAll(async () => {
    await server.stop();
    await db.close();
  });

  it('gives every query of 16 concurrent connections exactly its own answer, and keeps exactly the committed rows', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 16 });
    const failures: string[] = [];
    const committed = new Set<number>();
    const attempted = new Set<number>();
    let nextId = 1;
    let counts = { queries: 0, commits: 0, rollbacks: 0, errors: 0 };
    const deadline = Date.now() + 3000;

    const expectEqual = (what: string, actual: unknown, expected: unknown) => {
      if (JSON.stringify(actual) !== JSON.stringify(expected)) failures.push(`${what}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
    };

    // Parameter counts 1..26 (the snapshot insert binds 26), each answer naming its own inputs.
    const parameterised = async (worker: number, round: number) => {
      const count = 1 + ((worker * 7 + round) % 26);
      const values = Array.from({ length: count }, (_, i) => `${worker}:${round}:${i}`);
      const sql = `select ${values.map((_, i) => `$${i + 1}::text as c${i}`).join(', ')}, generate_series(1, ${count}) as n`;
      const { rows } = await pool.query(sql, values);
      expectEqual(`rows of ${worker}:${round}`, rows.length, count);
      for (const row of rows) expectEqual(`row of ${worker}:${round}`, values.map((_, i) => row[`c${i}`]), values);
      counts.queries++;
    };

    const transaction = async (commit: boolean) => {
      const id = nextId++;
      attempted.add(id);
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query('insert into committed (id, tag) values ($1, $2)', [id, `t${id}`]);
        const { rows } = await client.query('select tag from committed where id = $1', [id]);
        expectEqual(`own uncommitted row ${id}`, rows, [{ tag: `t${id}` }]);
        await new Promise((resolve) => setImmediate(resolve)); // let others try to cut in
        if (commit) {
          await client.query('commit');
          committed.add(id);
          counts.commits++;
        } else {
          await client.query('rollback');
          counts.rollbacks++;
        }
      } catch (error) {
        failures.push(`transaction ${id}: ${(error as Error).message}`);
        await client.query('rollback').catch(() => {});
      } finally {
        client.release();
      }
    };

    // Fails at Execute, after Parse and Bind went through: the rest of the sequence is discarded up to Sync.
    const failing = async (worker: number) => {
      const error = await pool.query('select 1 / ($1::int - $1::int) as boom', [worker]).then(
        () => undefined,
        (caught: Error) => caught,
      );
      expectEqual('division error', error?.message, 'division by zero');
      counts.errors++;
    };

    // Fails inside a transaction: the block is aborted until this client rolls back.
    const failingInTransaction = async () => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query('select $1::int', ['not a number']).catch(() => {});
        const aborted = await client.query('select 1').then(() => 'ran', (caught: Error) => caught.message);
        expectEqual('aborted block', aborted.startsWith('current transaction is aborted'), true);
        await client.query('rollback');
      } finally {
        client.release();
      }
    };

    const worker = async (index: number) => {
      for (let round = 0; Date.now() < deadline; round++) {
        try {
          switch (round % 6) {
            case 0:
            case 3:
              await parameterised(index, round);
              break;
            case 1:
              await transaction(true);
              break;
            case 2:
              await failing(index);
              break;
            case 4:
              await transaction(false);
              break;
            case 5:
              await failingInTransaction();
              break;
          }
        } catch (error) {
          failures.push(`worker ${index} round ${round}: ${(error as Error).message}`);
        }
      }
    };

    await Promise.all(Array.from({ length: 16 }, (_, index) => worker(index)));
    const { rows } = await pool.query<{ id: number }>('select id from committed order by id');
    await pool.end();

    expect(failures).toEqual([]);
    expect(rows.map((row) => row.id).filter((id) => attempted.has(id))).toEqual([...committed].sort((a, b) => a - b));
    expect(counts.commits).toBeGreaterThan(50);
    expect(counts.queries).toBeGreaterThan(100);
    expect(counts.errors).toBeGreaterThan(20);
    expect(counts.rollbacks).toBeGreaterThan(20);
  }, 20_000);

  it('rolls back a transaction whose client vanished mid-way and serves the next client', async () => {
    const doomed = new pg.Client({ connectionString: url });
    await doomed.connect();
    await doomed.query('begin');
    await doomed.query('insert into committed (id, tag) values ($1, $2)', [-1, 'vanished']);
    // Half an extended-protocol sequence too: a Parse with no Sync, then the socket is gone.
    doomed.on('error', () => {});
    const socket = (doomed as unknown as { connection: { stream: import('node:net').Socket } }).connection.stream;
    socket.write(Buffer.from([0x50, 0, 0, 0, 17, 0, ...Buffer.from('select 42\0'), 0, 0]));
    socket.destroy();

    const next = new pg.Client({ connectionString: url });
    await next.connect();
    try {
      expect(await next.query('select count(*)::int as n from committed where id = $1', [-1]).then((r) => r.rows[0].n)).toBe(0);
      expect(db.isInTransaction()).toBe(false);
      await next.query('begin');
      await next.query('insert into committed (id, tag) values ($1, $2)', [-2, 'kept']);
      await next.query('commit');
      expect((await next.query('select tag from committed where id = $1', [-2])).rows).toEqual([{ tag: 'kept' }]);
    } finally {
      await next.end();
    }
  });

  it('gives each connection its own prepared statements, even under the same name, and forgets them when it goes away', async () => {
    const clients = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        return client;
      }),
    );
    try {
      // Every client prepares "same" with its own text, then uses it many times, interleaved.
      await Promise.all(
        clients.map(async (client, i) => {
          for (let round = 0; round < 20; round++) {
            const { rows } = await client.query({ name: 'same', text: `select $1::int + ${i * 1000} as n`, values: [round] });
            expect(rows).toEqual([{ n: round + i * 1000 }]);
          }
        }),
      );
      const listed = async (client: pg.Client) => (await client.query('select name from pg_prepared_statements order by name')).rows.map((row) => row.name);
      expect(await listed(clients[0]!)).toHaveLength(6);
      await Promise.all(clients.slice(1).map((client) => client.end()));
      // The server closes a departed connection's statements once it has the session.
      for (let attempt = 0; attempt < 50 && (await listed(clients[0]!)).length > 1; attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await listed(clients[0]!)).toEqual([expect.stringMatching(/^c\d+_same$/)]);
    } finally {
      await clients[0]!.end();
    }
  });

  it('ends a connection that keeps a transaction open without a word, rolls it back and serves the others', async () => {
    const strict = new PgliteSessionServer({ db, host: HOST, port: 0, maxConnections: 4, idleInTransactionTimeoutMs: 300 });
    const strictUrl = `postgres://postgres@${HOST}:${await strict.start()}/postgres`;
    const idle = new pg.Client({ connectionString: strictUrl });
    // The FATAL arrives first; pg then also reports the connection it closed.
    const ended = new Promise<Error>((resolve) => idle.on('error', resolve));
    await idle.connect();
    const other = new pg.Client({ connectionString: strictUrl });
    try {
      await idle.query('begin');
      await idle.query('insert into committed (id, tag) values ($1, $2)', [-3, 'forgotten']);
      // The other connection waits for the session until the idle one is ended.
      const started = Date.now();
      await other.connect();
      expect((await other.query('select count(*)::int as n from committed where id = $1', [-3])).rows).toEqual([{ n: 0 }]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      const error = (await ended) as Error & { code?: string };
      expect(error.code).toBe('25P03');
      expect(db.isInTransaction()).toBe(false);
    } finally {
      await other.end();
      await idle.end().catch(() => {});
      await strict.stop();
    }
  });

  it('refuses connections above maxConnections with too_many_connections', async () => {
    const small = new PgliteSessionServer({ db, host: HOST, port: 0, maxConnections: 1 });
    const smallUrl = `postgres://postgres@${HOST}:${await small.start()}/postgres`;
    const first = new pg.Client({ connectionString: smallUrl });
    await first.connect();
    try {
      const second = new pg.Client({ connectionString: smallUrl });
      second.on('error', () => {});
      await expect(second.connect()).rejects.toThrow(/too many clients/);
      expect((await first.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await first.end();
      await small.stop();
    }
  });
});
