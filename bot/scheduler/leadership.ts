/**
 * A long-lived role that exactly one worker of the fleet holds at a time: the Discord gateway
 * connection, Telegram long polling. Two workers holding either would answer every interaction
 * twice (Discord) or fight over getUpdates (Telegram answers the loser 409 Conflict).
 *
 * The role is a session-level Postgres advisory lock held on one pooled connection for as long as
 * this process leads. A follower tries again every `retryMs`; the leader checks its connection
 * every `retryMs` too, so when the leader's process dies its session ends, the lock goes with it,
 * and a follower takes over within one retry interval. A leader whose connection breaks stops the
 * role before anyone else can take it over — never two at once as far as the database can tell.
 */
import type { PoolClient } from 'pg';
import type { Logger } from '../logger.ts';
import type { Orm } from '../storage/orm.ts';

export interface LeadershipRole {
  /** The lock's name: `discord-gateway`, `telegram-polling`. */
  name: string;
  /** Called once this process has become the leader; the role runs until `resign`. */
  lead(): Promise<void>;
  /** Called when this process stops leading (shutdown, or its database session was lost). */
  resign(): Promise<void>;
}

export interface Leadership {
  /** Whether this process holds the role now. */
  readonly leading: boolean;
  /** Resigns (if leading), releases the lock and stops trying. */
  stop(): Promise<void>;
}

export const DEFAULT_LEADERSHIP_RETRY_MS = 5_000;

/** Starts competing for `role`; the first attempt is made before this resolves. */
export async function holdLeadership(orm: Orm, logger: Logger, role: LeadershipRole, options: { retryMs?: number } = {}): Promise<Leadership> {
  const retryMs = options.retryMs ?? DEFAULT_LEADERSHIP_RETRY_MS;
  const lockKey = `deepclaw:leader:${role.name}`;
  const pool = await orm.em.getConnection().getNativeClient();
  let held: PoolClient | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let attempt: Promise<void> = Promise.resolve();

  const step = async () => {
    if (stopped) return;
    if (held) {
      // Still ours? A broken session means the lock is gone and someone else may already lead.
      try {
        await held.query('select 1');
        return;
      } catch (error) {
        logger.warn({ role: role.name, err: error }, 'lost the database session that held leadership; stopping the role');
        const lost = held;
        held = undefined;
        lost.release(error instanceof Error ? error : true);
        await resignSafely();
        return;
      }
    }
    let client: PoolClient | undefined;
    try {
      client = await pool.connect();
      const { rows } = await client.query<{ leader: boolean }>('select pg_try_advisory_lock(hashtext($1)) as leader', [lockKey]);
      if (!rows[0]?.leader || stopped) {
        if (rows[0]?.leader) await client.query('select pg_advisory_unlock(hashtext($1))', [lockKey]);
        client.release();
        return;
      }
      held = client;
      client = undefined;
      logger.info({ role: role.name }, 'this worker leads; starting the role');
      try {
        await role.lead();
      } catch (error) {
        // A role that cannot start gives the lock back so another worker may try.
        logger.error({ role: role.name, err: error }, 'the role failed to start; giving leadership back');
        await releaseHeld();
      }
    } catch (error) {
      client?.release(error instanceof Error ? error : true);
      logger.warn({ role: role.name, err: error }, 'could not try for leadership; trying again later');
    }
  };

  const resignSafely = async () => {
    try {
      await role.resign();
    } catch (error) {
      logger.error({ role: role.name, err: error }, 'the role did not stop cleanly');
    }
  };

  const releaseHeld = async () => {
    const client = held;
    held = undefined;
    if (!client) return;
    try {
      await client.query('select pg_advisory_unlock(hashtext($1))', [lockKey]);
      client.release();
    } catch (error) {
      client.release(error instanceof Error ? error : true);
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      attempt = step().finally(schedule);
    }, retryMs);
    timer.unref();
  };

  attempt = step();
  await attempt;
  schedule();

  return {
    get leading() {
      return held !== undefined;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await attempt;
      if (!held) return;
      logger.info({ role: role.name }, 'this worker stops leading');
      await resignSafely();
      await releaseHeld();
    },
  };
}
