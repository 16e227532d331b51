/**
 * The snapshot wire format, v1: the one definition the agent (which builds snapshots) and ingest
 * (which accepts them) share. Every object is strict — an unknown field is an error on both sides,
 * so the data boundary is enforced twice. Every string and list is bounded. Documented field by
 * field in docs/snapshot-v1.md.
 *
 * This module imports only zod, so the agent's bundle stays small and dependency-free.
 */
import { z } from 'zod';

export const SNAPSHOT_SCHEMA = 'deepclaw.snapshot/v1';
/** Bodies above this are refused with 413 while still being read. */
export const MAX_SNAPSHOT_BYTES = 512 * 1024;
export const USAGE_WINDOW_HOURS = 48;

// The rules below are exported so that ingest's fast path (snapshot-fast-path.ts) applies exactly
// the same ones; a differential test holds the two together.

/** ISO 8601 with seconds and a zone: `2026-11-21T20:15:00Z`, `2026-11-21T21:15:00.123+01:00`. */
export const TIMESTAMP_PATTERN = /^\d{4}-\d\d-\d\dT([01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)$/;
export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;
export const TOP_OF_UTC_HOUR = /^\d{4}-\d\d-\d\dT([01]\d|2[0-3]):00:00(?:\.0{1,9})?Z$/;
export const PROVIDER_MODEL = /^[^/\s]+\/\S+$/;
export const FILE_MODE = /^[0-7]{3,4}$/;
export const ERROR_REASON = /^[a-z][a-z0-9_]{0,31}$/;
export const CHECK_ID = /^[A-Za-z0-9._:-]{1,96}$/;

/**
 * `2026-02-30` passes a pattern but not Postgres; every date is checked against the calendar, and
 * years before 1970 (a host whose clock was never set) are refused rather than stored.
 */
export function isCalendarDate(text: string): boolean {
  const digit = (i: number) => text.charCodeAt(i) - 48;
  const year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  const month = digit(5) * 10 + digit(6);
  const day = digit(8) * 10 + digit(9);
  if (year < 1970 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);
}

export function isTimestamp(value: string): boolean {
  return TIMESTAMP_PATTERN.test(value) && isCalendarDate(value);
}

const TIMESTAMP_MESSAGE = 'expected an ISO 8601 timestamp like 2026-11-21T20:15:00Z';
const timestamp = z.string().max(40, TIMESTAMP_MESSAGE).refine(isTimestamp, TIMESTAMP_MESSAGE);
const count = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
const label = (max: number) => z.string().min(1).max(max);
const fileMode = z.string().regex(FILE_MODE, 'expected octal permission bits like 700 or 0644');

export const agentInfoSchema = z.strictObject({
  version: label(64),
  /** How often this agent syncs; the stale rule expects a snapshot within it (plus grace). */
  intervalSeconds: z.int().min(10).max(86_400),
  host: z.strictObject({ os: label(32), arch: label(32) }).optional(),
});

export const gatewaySchema = z.strictObject({
  version: label(64).optional(),
  storage: z.enum(['json', 'sqlite-cron', 'sqlite']),
  live: z.boolean(),
  ready: z.boolean().optional(),
  /** Short machine-readable reasons: readiness checks that failed, `unsupported-openclaw-layout`, … */
  failing: z.array(label(64)).max(32).optional(),
  uptimeMs: count.optional(),
  eventLoopDelayP99Ms: z.number().min(0).max(3_600_000).optional(),
  checkedAt: timestamp,
});

export const sessionsSchema = z.strictObject({
  total: count,
  active24h: count,
  running: count,
  failed24h: count,
  byChannel: z
    .record(label(64), count)
    .refine((channels) => Object.keys(channels).length <= 64, 'expected at most 64 channels')
    .optional(),
});

export const USAGE_COUNTS = ['runs', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'errors', 'missingCost'] as const;

/**
 * One hour of one model's usage. A snapshot carries up to a few hundred of these, so the per-field
 * checks run in one refinement instead of a zod check per number: same rules, a tenth of the
 * cost (bench/ingest.ts measures it).
 */
export const usageBucketSchema = z
  .strictObject({
    /** Top of a UTC hour: `2026-11-21T20:00:00Z`. */
    hour: z.string().max(40),
    /** `provider/model` */
    model: z.string().max(128),
    runs: z.number(),
    inputTokens: z.number(),
    outputTokens: z.number(),
    cacheReadTokens: z.number(),
    cacheWriteTokens: z.number(),
    costUsd: z.number(),
    errors: z.number(),
    missingCost: z.number(),
  })
  .superRefine((bucket, ctx) => {
    if (!TOP_OF_UTC_HOUR.test(bucket.hour) || !isCalendarDate(bucket.hour)) {
      ctx.addIssue({ code: 'custom', path: ['hour'], message: 'expected the top of a UTC hour, like 2026-11-21T20:00:00Z' });
    }
    if (!PROVIDER_MODEL.test(bucket.model)) {
      ctx.addIssue({ code: 'custom', path: ['model'], message: 'expected provider/model, like anthropic/claude-opus-4-6' });
    }
    for (const key of USAGE_COUNTS) {
      const value = bucket[key];
      if (!Number.isSafeInteger(value) || value < 0) ctx.addIssue({ code: 'custom', path: [key], message: 'expected a whole number >= 0' });
    }
    if (!(bucket.costUsd >= 0 && bucket.costUsd <= 1_000_000_000)) {
      ctx.addIssue({ code: 'custom', path: ['costUsd'], message: 'expected a number from 0 to 1000000000' });
    }
  });

export const cronJobSchema = z.strictObject({
  id: label(128),
  name: label(200),
  enabled: z.boolean(),
  schedule: z.strictObject({
    kind: z.enum(['cron', 'every', 'at', 'other']),
    expr: label(128).optional(),
    tz: label(64).optional(),
    everyMs: z.int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  }),
  lastRunAt: timestamp.optional(),
  lastStatus: z.enum(['ok', 'error', 'skipped']).optional(),
  /** Enum-like: auth, rate_limit, billing, timeout, … never free text. */
  lastErrorReason: z.string().regex(ERROR_REASON, 'expected a short reason code like rate_limit').optional(),
  lastDurationMs: count.optional(),
  nextRunAt: timestamp.optional(),
  consecutiveErrors: z.int().min(0).max(1_000_000_000),
  autoDisabled: z.boolean().optional(),
});

export const securitySchema = z.strictObject({
  bind: label(64).optional(),
  authMode: label(32).optional(),
  tailscaleMode: label(32).optional(),
  stateDirMode: fileMode.optional(),
  configMode: fileMode.optional(),
  audit: z
    .strictObject({
      critical: count,
      warn: count,
      info: count,
      checkIds: z.array(z.string().regex(CHECK_ID, 'expected a check id like gateway.bind.public')).max(256),
    })
    .optional(),
});

const snapshotFields = {
  schema: z.literal(SNAPSHOT_SCHEMA),
  /** Chosen by the agent; the idempotency key. */
  snapshotId: z.string().regex(UUID_PATTERN, 'expected a UUID'),
  /** Monotonic per agent install. */
  seq: count,
  sentAt: timestamp,
  agent: agentInfoSchema,
  gateway: gatewaySchema,
  sessions: sessionsSchema,
  usage: z.array(usageBucketSchema).max(10_000),
  cron: z.array(cronJobSchema).max(1000),
  security: securitySchema,
};

export const snapshotSchema = z
  .strictObject(snapshotFields)
  .superRefine((snapshot, ctx) => {
    // Each bucket and each job once: a second copy would be ambiguous about which value counts.
    const buckets = new Set<string>();
    snapshot.usage.forEach((bucket, i) => {
      const key = `${Date.parse(bucket.hour)}|${bucket.model}`;
      if (buckets.has(key)) ctx.addIssue({ code: 'custom', path: ['usage', i], message: 'duplicate (hour, model) bucket' });
      buckets.add(key);
    });
    const jobs = new Set<string>();
    snapshot.cron.forEach((job, i) => {
      if (jobs.has(job.id)) ctx.addIssue({ code: 'custom', path: ['cron', i, 'id'], message: 'duplicate cron job id' });
      jobs.add(job.id);
    });
  });

/**
 * The snapshot with its two long lists unchecked, so ingest can check their items one at a time
 * and stop after the first few problems (ingest/validate-snapshot.ts).
 */
export const snapshotEnvelopeSchema = z.strictObject({ ...snapshotFields, usage: z.array(z.unknown()), cron: z.array(z.unknown()) });

/** Every list and map in a snapshot, with its largest allowed size. */
export const SNAPSHOT_COLLECTION_LIMITS: readonly { path: readonly string[]; max: number }[] = [
  { path: ['usage'], max: 10_000 },
  { path: ['cron'], max: 1000 },
  { path: ['gateway', 'failing'], max: 32 },
  { path: ['sessions', 'byChannel'], max: 64 },
  { path: ['security', 'audit', 'checkIds'], max: 256 },
];

/** Every field name the contract defines; any other key in a snapshot came from the client. */
export const CONTRACT_FIELD_NAMES: ReadonlySet<string> = new Set([
  ...Object.keys(snapshotFields),
  ...Object.keys(agentInfoSchema.shape),
  ...Object.keys(agentInfoSchema.shape.host.unwrap().shape),
  ...Object.keys(gatewaySchema.shape),
  ...Object.keys(sessionsSchema.shape),
  ...Object.keys(usageBucketSchema.shape),
  ...Object.keys(cronJobSchema.shape),
  ...Object.keys(cronJobSchema.shape.schedule.shape),
  ...Object.keys(securitySchema.shape),
  ...Object.keys(securitySchema.shape.audit.unwrap().shape),
]);

export type Snapshot = z.infer<typeof snapshotSchema>;
export type UsageBucket = z.infer<typeof usageBucketSchema>;
export type CronJobState = z.infer<typeof cronJobSchema>;
export type GatewayState = z.infer<typeof gatewaySchema>;
export type SessionCounts = z.infer<typeof sessionsSchema>;
export type SecurityPosture = z.infer<typeof securitySchema>;

/** The 202 answer. `serverTime` lets the agent report clock skew. */
export interface SnapshotAccepted {
  accepted: true;
  nextSyncBefore: string;
  serverTime: string;
}

/** Every non-2xx answer: a stable code, a human message, and sometimes more. */
export interface IngestErrorBody {
  error: string;
  message: string;
  requestId?: string;
  /** 422 schema_violation: the JSON paths that failed, like `usage[3].costUsd`. */
  issues?: { path: string; message: string }[];
}
