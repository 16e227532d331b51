import type Router from '@koa/router';
import { acceptSnapshot } from '../../bot/snapshots/accept-snapshot.ts';
import { isStorageUnavailable } from '../../bot/storage/storage-unavailable.ts';
import { hashSyncToken } from '../../bot/tokens/sync-token-format.ts';
import type { AppDependencies, AppState } from '../app.ts';
import { bearerToken, rejectedTokenError } from '../bearer-token.ts';
import { MAX_SNAPSHOT_BYTES, type SnapshotAccepted } from '../contract.ts';
import { IngestError } from '../ingest-error.ts';
import { readBody } from '../read-body.ts';
import { validateSnapshot } from '../validate-snapshot.ts';

/** Seconds a client should wait after a 503 before trying again. */
const STORAGE_RETRY_AFTER_SECONDS = 15;

/** POST /v1/snapshots: the agents' only way in (docs/snapshot-v1.md). */
export function snapshotRoutes(router: Router<AppState>, deps: Pick<AppDependencies, 'ingest' | 'metrics' | 'orm' | 'clock'>): void {
  const { ingest, metrics } = deps;
  router.post('/v1/snapshots', async (ctx) => {
    const started = process.hrtime.bigint();
    let result = 'error';
    try {
      const token = bearerToken(ctx.get('authorization'));
      const tokenHash = hashSyncToken(token);
      const limit = ingest.rateLimiter.take(tokenHash, deps.clock().getTime());
      if (!limit.allowed) {
        throw new IngestError(429, 'rate_limited', `too many snapshots for this token; retry in ${limit.retryAfterSeconds} s`, {
          headers: { 'Retry-After': String(limit.retryAfterSeconds) },
        });
      }
      if (!ctx.is('application/json')) {
        throw new IngestError(415, 'unsupported_media_type', 'send the snapshot with "Content-Type: application/json"');
      }
      const bodyBytes = await readBody(ctx.req, MAX_SNAPSHOT_BYTES);
      const rawBody = bodyBytes.toString('utf8');
      const snapshot = validateSnapshot(rawBody);
      const receivedAt = deps.clock();
      const accepted = await withDeadline(
        acceptSnapshot({ store: ingest.store, em: deps.orm.em, staleGraceSeconds: ingest.staleGraceSeconds }, { tokenHash, snapshot, rawBody, bodyBytes, receivedAt }),
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
          if (!accepted.replay) ingest.onSnapshotStored?.(accepted.owner.instanceId);
          return;
        }
      }
    } catch (error) {
      const answered = isStorageUnavailable(error)
        ? new IngestError(503, 'storage_unavailable', 'the service cannot store snapshots right now; retry later', {
            headers: { 'Retry-After': String(STORAGE_RETRY_AFTER_SECONDS) },
          })
        : error;
      if (answered instanceof IngestError) {
        result = answered.code;
        metrics.snapshotsRejected.inc({ reason: answered.code });
        // A refused upload is not read to its end: close the connection instead of draining it.
        if (answered.status === 413) ctx.set('Connection', 'close');
      }
      throw answered;
    } finally {
      metrics.ingestDuration.observe({ result }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  });
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
