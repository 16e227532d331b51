import type Router from '@koa/router';
import type { Context } from 'koa';
import { acceptSnapshot } from '../../bot/snapshots/accept-snapshot.ts';
import { isStorageUnavailable } from '../../bot/storage/storage-unavailable.ts';
import { hashSyncToken } from '../../bot/tokens/sync-token-format.ts';
import type { AppDependencies, AppState } from '../app.ts';
import { bearerToken, rejectedTokenError } from '../bearer-token.ts';
import { MAX_SNAPSHOT_BYTES, type Snapshot, type SnapshotAccepted } from '../contract.ts';
import { IngestError } from '../ingest-error.ts';
import { ClientAbortedError, readBody } from '../read-body.ts';
import { parseSnapshotBody, validateSnapshot } from '../validate-snapshot.ts';
import { isValidSnapshot } from '../snapshot-fast-path.ts';
import { recordAudit } from '../../bot/audit/audit-log.ts';

/** Seconds a client should wait after a 503 before trying again. */
const STORAGE_RETRY_AFTER_SECONDS = 15;

/**
 * POST /v1/snapshots: the agents' only way in (docs/snapshot-v1.md).
 *
 * The order keeps what an unauthenticated client can make us do small: the token's shape, then
 * the per-token limit, then — for an address that has sent too many refused tokens — a database
 * check of the token before the body is read at all. A body is decoded, parsed and run through
 * the allocation-free fast-path check; only a body that check refuses is explained (zod, issue
 * lists), and only once its token is known to work. A snapshot that passes goes to the store,
 * whose statement checks the token again as it writes, so revocation holds on every process.
 */
export function snapshotRoutes(router: Router<AppState>, deps: Pick<AppDependencies, 'ingest' | 'metrics' | 'orm' | 'clock'>): void {
  const { ingest, metrics } = deps;
  router.post('/v1/snapshots', async (ctx) => {
    const started = process.hrtime.bigint();
    let result = 'error';
    try {
      if (!ingest.authFailures.peek(ctx.ip, deps.clock().getTime()).allowed) await requireWorkingToken(ctx, deps);
      const tokenHash = hashSyncToken(bearerToken(ctx.get('authorization')));
      const limit = ingest.rateLimiter.take(tokenHash, deps.clock().getTime());
      if (!limit.allowed) {
        throw new IngestError(429, 'rate_limited', `too many snapshots for this token; retry in ${limit.retryAfterSeconds} s`, {
          headers: { 'Retry-After': String(limit.retryAfterSeconds) },
        });
      }
      if (!ctx.is('application/json')) {
        throw new IngestError(415, 'unsupported_media_type', 'send the snapshot with "Content-Type: application/json"');
      }
      const body = parseSnapshotBody(await readBody(ctx.req, MAX_SNAPSHOT_BYTES));
      let snapshot: Snapshot;
      if (isValidSnapshot(body.value)) {
        snapshot = body.value;
      } else {
        const lookup = await ingest.store.lookupToken(tokenHash, deps.clock());
        if (!lookup.ok) throw rejectedTokenError(lookup.reason);
        snapshot = validateSnapshot(body.value);
      }
      const receivedAt = deps.clock();
      const accepted = await withDeadline(
        acceptSnapshot({ store: ingest.store, em: deps.orm.em, staleGraceSeconds: ingest.staleGraceSeconds }, { tokenHash, snapshot, rawBody: body.text, receivedAt }),
        ingest.requestTimeoutMs,
      );
      switch (accepted.outcome) {
        case 'token_rejected':
          throw rejectedTokenError(accepted.reason);
        case 'unstorable_text':
          throw new IngestError(422, 'schema_violation', `a string at ${accepted.path} holds a NUL character or broken Unicode`, {
            extra: { issues: [{ path: accepted.path, message: 'NUL characters and unpaired surrogates cannot be stored' }] },
          });
        case 'secret_detected':
          metrics.secretsDetected.inc({ kind: accepted.secretKind });
          throw new IngestError(
            422,
            'secret_detected',
            `the snapshot was refused because the string at ${accepted.path} looks like a credential (${accepted.secretKind}); ` +
              'nothing was stored, and the agent should never send it — please report this',
            { extra: { path: accepted.path, kind: accepted.secretKind } },
          );
        case 'accepted': {
          const body: SnapshotAccepted = {
            accepted: true,
            nextSyncBefore: accepted.nextSyncBefore.toISOString(),
            serverTime: receivedAt.toISOString(),
          };
          ctx.status = 202;
          ctx.body = body;
          result = accepted.replay ? 'replay' : 'accepted';
          metrics.snapshotsAccepted.inc({ replay: String(accepted.replay) });
          if (accepted.worthEvaluating) ingest.onSnapshotWorthEvaluating?.(accepted.owner.instanceId);
          if (!accepted.replay) ingest.onSnapshotStored?.(accepted.owner.instanceId);
          return;
        }
      }
    } catch (error) {
      const answered = error instanceof ClientAbortedError
        ? new IngestError(400, 'client_aborted', 'the client closed the connection before the snapshot arrived')
        : isStorageUnavailable(error)
        ? new IngestError(503, 'storage_unavailable', 'the service cannot store snapshots right now; retry later', {
            headers: { 'Retry-After': String(STORAGE_RETRY_AFTER_SECONDS) },
          })
        : error;
      if (answered instanceof IngestError) {
        result = answered.code;
        metrics.snapshotsRejected.inc({ reason: answered.code });
        // A refused upload is not read to its end: close the connection instead of draining it.
        if (answered.status === 413) ctx.set('Connection', 'close');
        if (answered.status === 401) countAuthFailure(ctx.ip, deps);
      }
      throw answered;
    } finally {
      metrics.ingestDuration.observe({ result }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  });
}

/**
 * For an address over its limit of refused tokens: only a request whose token works gets through
 * (agents behind one NAT share an address, and a working token is never refused for it).
 */
async function requireWorkingToken(ctx: Context, deps: Pick<AppDependencies, 'ingest' | 'clock'>): Promise<void> {
  const refuse = () => {
    const { retryAfterSeconds } = deps.ingest.authFailures.peek(ctx.ip, deps.clock().getTime());
    return new IngestError(429, 'too_many_failures', `too many requests with missing or invalid sync tokens from this address; retry in ${retryAfterSeconds} s`, {
      headers: { 'Retry-After': String(Math.max(1, retryAfterSeconds)) },
    });
  };
  let token: string;
  try {
    token = bearerToken(ctx.get('authorization'));
  } catch {
    throw refuse();
  }
  const lookup = await deps.ingest.store.lookupToken(hashSyncToken(token), deps.clock());
  if (!lookup.ok) throw refuse();
}

/** One more refused token from `address`; the moment it reaches the limit is audited once. */
function countAuthFailure(address: string, deps: Pick<AppDependencies, 'ingest' | 'metrics' | 'orm' | 'clock'>): void {
  const now = deps.clock();
  const taken = deps.ingest.authFailures.take(address, now.getTime());
  if (!taken.exhausted) return;
  deps.metrics.sourcesThrottled.inc();
  const fork = deps.orm.em.fork();
  recordAudit(fork, {
    action: 'ingest.source_throttled',
    actor: { id: `address:${address}`, origin: 'ingest' },
    subject: address,
    details: { reason: 'too many refused sync tokens', retryAfterSeconds: taken.retryAfterSeconds },
    at: now,
  });
  // Best effort: the audit row must not turn a 401 into a 500 when the database is away.
  fork.flush().catch(() => {});
}

/** Bounds the storage part of a request: past the deadline the client gets a 503, not a hang. */
function withDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(timeoutMs)), timeoutMs);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

class DeadlineExceeded extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(timeoutMs: number) {
    super(`no answer from storage within ${timeoutMs} ms`);
  }
}
