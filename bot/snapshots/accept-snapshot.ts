/**
 * Accepting one validated snapshot: is it clean, who sent it, store it. The HTTP layer has
 * already checked the token's shape, the body's size, JSON and schema; everything here is the
 * data-boundary policy or needs the database.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Snapshot } from '../../ingest/contract.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { Instance, Workspace } from '../storage/entities/index.ts';
import { staleGraceSeconds } from '../events/rules/stale.ts';
import { inspectStrings } from './inspect-strings.ts';
import type { SnapshotStore, TokenOwner, TokenRejection } from './snapshot-store.ts';

export type AcceptOutcome =
  | { outcome: 'accepted'; replay: boolean; nextSyncBefore: Date; owner: TokenOwner; worthEvaluating: boolean }
  | { outcome: 'token_rejected'; reason: TokenRejection }
  | { outcome: 'secret_detected'; secretKind: string; path: string }
  | { outcome: 'unstorable_text'; path: string };

export interface AcceptDependencies {
  store: SnapshotStore;
  /** DEEPCLAW_STALE_GRACE, when set, replaces the default grace in `nextSyncBefore`. */
  staleGraceSeconds?: number;
  /** For the rare audit row; forked per use. */
  em: EntityManager;
}

export interface IncomingSnapshot {
  tokenHash: string;
  snapshot: Snapshot;
  /** The JSON text `snapshot` was parsed from, for the string scan's fast path. */
  rawBody: string;
  receivedAt: Date;
}

export async function acceptSnapshot(deps: AcceptDependencies, incoming: IncomingSnapshot): Promise<AcceptOutcome> {
  const { snapshot, receivedAt, tokenHash } = incoming;
  const problem = inspectStrings(snapshot, incoming.rawBody);
  if (problem) {
    // Rare path: a bad token still gets its 401 first, and a refused secret is audited against
    // the instance whose token sent it.
    const lookup = await deps.store.lookupToken(tokenHash, receivedAt);
    if (!lookup.ok) return { outcome: 'token_rejected', reason: lookup.reason };
    if (problem.problem === 'unstorable_text') return { outcome: 'unstorable_text', path: problem.path };
    await recordDataBoundaryViolation(deps.em, lookup.owner, snapshot, problem.secretKind, problem.path, receivedAt);
    return { outcome: 'secret_detected', secretKind: problem.secretKind, path: problem.path };
  }

  const nextSyncBefore = nextSyncDeadline(receivedAt, snapshot.agent.intervalSeconds, deps.staleGraceSeconds);
  const stored = await deps.store.store({ tokenHash, snapshot, receivedAt, nextSyncBefore });
  if (!stored.stored) return { outcome: 'token_rejected', reason: stored.reason };
  return { outcome: 'accepted', replay: stored.replay, nextSyncBefore: stored.nextSyncBefore, owner: stored.owner, worthEvaluating: stored.worthEvaluating };
}

/**
 * When the next snapshot must arrive before the instance counts as stale: its interval plus the
 * stale grace — the same one the stale rule uses (ARCHITECTURE.md section 6).
 */
export function nextSyncDeadline(receivedAt: Date, intervalSeconds: number, graceOverrideSeconds?: number): Date {
  const graceSeconds = staleGraceSeconds(intervalSeconds, { graceSeconds: graceOverrideSeconds });
  return new Date(receivedAt.getTime() + (intervalSeconds + graceSeconds) * 1000);
}

/** The audit trail of a refused credential: what kind and where, never the value. */
async function recordDataBoundaryViolation(
  em: EntityManager,
  owner: TokenOwner,
  snapshot: Snapshot,
  secretKind: string,
  path: string,
  at: Date,
): Promise<void> {
  const fork = em.fork();
  recordAudit(fork, {
    action: 'snapshot.secret_rejected',
    actor: { id: `agent:${owner.instanceName}`, origin: 'ingest' },
    workspace: fork.getReference(Workspace, owner.workspaceId),
    instance: fork.getReference(Instance, owner.instanceId),
    subject: owner.instanceName,
    details: { secretKind, path, snapshotId: snapshot.snapshotId },
    at,
  });
  await fork.flush();
}
