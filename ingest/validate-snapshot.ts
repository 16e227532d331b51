/**
 * Reading a snapshot body in the order that keeps unauthenticated work small: decoding and JSON
 * parsing (bounded by the body limit) and the allocation-free fast-path check happen before the
 * token is looked up; explaining what is wrong (zod, issue lists) happens only after it, and even
 * then stops after the first {@link MAX_REPORTED_ISSUES} problems.
 */
import type { z } from 'zod';
import { redactSecrets } from '../bot/secret-patterns.ts';
import { CONTRACT_FIELD_NAMES, SNAPSHOT_COLLECTION_LIMITS, snapshotEnvelopeSchema, snapshotSchema, cronJobSchema, usageBucketSchema, type Snapshot } from './contract.ts';
import { IngestError } from './ingest-error.ts';
import { isValidSnapshot } from './snapshot-fast-path.ts';

/** A 422 lists at most this many failing paths, and validation stops once it has found them. */
export const MAX_REPORTED_ISSUES = 20;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as JSON: 400 for bytes that are not UTF-8 and for text that is not JSON. */
export function parseSnapshotBody(bytes: Uint8Array): { text: string; value: unknown } {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new IngestError(400, 'malformed_utf8', 'the body is not valid UTF-8; send the snapshot as UTF-8 JSON');
  }
  try {
    return { text, value: JSON.parse(text) };
  } catch (error) {
    // V8's message quotes the input; only the position is safe to repeat.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new IngestError(400, 'malformed_json', `the body is not valid JSON${position ? ` (at byte ${position})` : ''}`);
  }
}

/**
 * The snapshot, or a 422 naming what is wrong. Only call this for an authenticated request: for a
 * value the fast path refused, it runs zod, bounded so a body of thousands of empty objects costs
 * a few checks, not one per missing field.
 */
export function validateSnapshot(value: unknown): Snapshot {
  if (isValidSnapshot(value)) return value;
  const issues = findIssues(value);
  if (issues.length === 0) {
    // The fast path is only ever stricter than the schema; zod accepted it after all.
    return snapshotSchema.parse(value);
  }
  const reported = issues.slice(0, MAX_REPORTED_ISSUES);
  throw new IngestError(
    422,
    'schema_violation',
    `the snapshot does not match deepclaw.snapshot/v1 at ${reported.length === 1 ? reported[0]!.path || 'the top level' : `${reported.length}${issues.length > MAX_REPORTED_ISSUES ? '+' : ''} places`}; see docs/snapshot-v1.md`,
    { extra: { issues: reported } },
  );
}

type ReportedIssue = { path: string; message: string };

/** Up to MAX_REPORTED_ISSUES + 1 issues: enough to report, and to know there were more. */
function findIssues(value: unknown): ReportedIssue[] {
  const oversized = oversizedCollection(value);
  if (oversized) return [oversized];
  const issues: ReportedIssue[] = [];
  const add = (found: z.core.$ZodIssue[], prefix: readonly PropertyKey[]) => {
    for (const issue of found) {
      if (issues.length > MAX_REPORTED_ISSUES) return;
      issues.push(toReportedIssue(issue, prefix));
    }
  };
  // The envelope checks everything but the two long lists, whose items are then checked one by
  // one so the work stops with the issue count.
  const envelope = snapshotEnvelopeSchema.safeParse(value);
  if (!envelope.success) add(envelope.error.issues, []);
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  for (const [list, schema] of [['usage', usageBucketSchema], ['cron', cronJobSchema]] as const) {
    const items = record[list];
    if (!Array.isArray(items)) continue;
    for (let i = 0; i < items.length && issues.length <= MAX_REPORTED_ISSUES; i++) {
      const item = schema.safeParse(items[i]);
      if (!item.success) add(item.error.issues, [list, i]);
    }
  }
  if (issues.length > 0) return issues;
  // Every part is valid alone: what is left are the rules across items (duplicates).
  const whole = snapshotSchema.safeParse(value);
  if (!whole.success) add(whole.error.issues, []);
  return issues;
}

/** A list or map longer than the contract allows, refused before any of its items is checked. */
function oversizedCollection(value: unknown): ReportedIssue | undefined {
  for (const { path, max } of SNAPSHOT_COLLECTION_LIMITS) {
    let node: unknown = value;
    for (const part of path) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
    if (typeof node !== 'object' || node === null) continue;
    const size = Array.isArray(node) ? node.length : Object.keys(node).length;
    if (size > max) return { path: path.join('.'), message: `expected at most ${max} items` };
  }
  return undefined;
}

/**
 * A zod issue as the client sees it: the path with every key that is not a contract field shown
 * as `<key>`, and no message that could quote one — a key could be the very credential.
 */
function toReportedIssue(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[]): ReportedIssue {
  const path = toJsonPath([...prefix, ...issue.path].map((part) => (typeof part === 'string' && !CONTRACT_FIELD_NAMES.has(part) ? '<key>' : part)));
  if (issue.code === 'unrecognized_keys') {
    const count = issue.keys.length;
    return { path, message: `${count} field${count === 1 ? '' : 's'} not in the contract (unknown fields are refused)` };
  }
  if (issue.code === 'invalid_key') return { path, message: 'a key breaks the contract (too long or empty)' };
  return { path, message: redactSecrets(issue.message) };
}

/** ['usage', 3, 'costUsd'] -> `usage[3].costUsd` */
export function toJsonPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}
