import { redactSecrets } from '../bot/secret-patterns.ts';
import { type Snapshot, snapshotSchema } from './contract.ts';
import { IngestError } from './ingest-error.ts';
import { isValidSnapshot } from './snapshot-fast-path.ts';

/** Parses and validates a snapshot body; 400 for bad JSON, 422 with every failing path otherwise. */
export function validateSnapshot(rawBody: string): Snapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch (error) {
    // V8's message quotes the input; only the position is safe to repeat.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new IngestError(400, 'malformed_json', `the body is not valid JSON${position ? ` (at byte ${position})` : ''}`);
  }
  // The fast path checks the same rules without building zod's copy; whatever it refuses, zod
  // judges again and explains.
  if (isValidSnapshot(parsed)) return parsed;
  const result = snapshotSchema.safeParse(parsed);
  if (result.success) return result.data;
  // Paths and messages can quote keys the client sent, and a key could be a credential.
  const issues = result.error.issues
    .slice(0, 50)
    .map((issue) => ({ path: redactSecrets(toJsonPath(issue.path)), message: redactSecrets(issue.message) }));
  throw new IngestError(
    422,
    'schema_violation',
    `the snapshot does not match deepclaw.snapshot/v1 at ${issues.length === 1 ? issues[0]!.path || 'the top level' : `${result.error.issues.length} places`}; see docs/snapshot-v1.md`,
    { extra: { issues } },
  );
}

/** ['usage', 3, 'costUsd'] -> `usage[3].costUsd` */
export function toJsonPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}
