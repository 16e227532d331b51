/**
 * The snapshot contract's rules as plain code, for ingest's hot path. zod builds a validated copy
 * of every object it checks, which for a snapshot's hundreds of objects costs more than the check
 * itself; this only checks, so the parsed JSON is used as it is.
 *
 * It may only ever be stricter than `snapshotSchema`, never more lenient: anything it refuses goes
 * to zod (which then names the failing paths, or accepts it after all). The differential test in
 * snapshot-fast-path.test.ts holds it to that over thousands of random and mutated snapshots.
 */
import {
  CHECK_ID,
  ERROR_REASON,
  FILE_MODE,
  isCalendarDate,
  isTimestamp,
  PROVIDER_MODEL,
  SNAPSHOT_SCHEMA,
  TOP_OF_UTC_HOUR,
  USAGE_COUNTS,
  UUID_PATTERN,
  type Snapshot,
} from './contract.ts';

type Json = Record<string, unknown>;

const STORAGE = new Set(['json', 'sqlite-cron', 'sqlite']);
const SCHEDULE_KINDS = new Set(['cron', 'every', 'at', 'other']);
const RUN_STATUSES = new Set(['ok', 'error', 'skipped']);

export function isValidSnapshot(value: unknown): value is Snapshot {
  if (!isObject(value) || !hasOnlyKeys(value, TOP_KEYS, TOP_KEYS)) return false;
  if (value.schema !== SNAPSHOT_SCHEMA) return false;
  if (typeof value.snapshotId !== 'string' || !UUID_PATTERN.test(value.snapshotId)) return false;
  if (!isCount(value.seq) || !isTime(value.sentAt)) return false;
  return isAgent(value.agent) && isGateway(value.gateway) && isSessions(value.sessions) && isUsage(value.usage) && isCron(value.cron) && isSecurity(value.security);
}

const TOP_KEYS = ['schema', 'snapshotId', 'seq', 'sentAt', 'agent', 'gateway', 'sessions', 'usage', 'cron', 'security'];

function isAgent(agent: unknown): boolean {
  if (!isObject(agent) || !hasOnlyKeys(agent, ['version', 'intervalSeconds'], ['version', 'intervalSeconds', 'host'])) return false;
  if (!isLabel(agent.version, 64) || !isIntIn(agent.intervalSeconds, 10, 86_400)) return false;
  if (agent.host === undefined) return true;
  return isObject(agent.host) && hasOnlyKeys(agent.host, ['os', 'arch'], ['os', 'arch']) && isLabel(agent.host.os, 32) && isLabel(agent.host.arch, 32);
}

const GATEWAY_REQUIRED = ['storage', 'live', 'checkedAt'];
const GATEWAY_KEYS = ['version', 'storage', 'live', 'ready', 'failing', 'uptimeMs', 'eventLoopDelayP99Ms', 'checkedAt'];

function isGateway(gateway: unknown): boolean {
  if (!isObject(gateway) || !hasOnlyKeys(gateway, GATEWAY_REQUIRED, GATEWAY_KEYS)) return false;
  if (gateway.version !== undefined && !isLabel(gateway.version, 64)) return false;
  if (typeof gateway.storage !== 'string' || !STORAGE.has(gateway.storage)) return false;
  if (typeof gateway.live !== 'boolean' || (gateway.ready !== undefined && typeof gateway.ready !== 'boolean')) return false;
  if (gateway.failing !== undefined && !isListOf(gateway.failing, 32, (item) => isLabel(item, 64))) return false;
  if (gateway.uptimeMs !== undefined && !isCount(gateway.uptimeMs)) return false;
  const delay = gateway.eventLoopDelayP99Ms;
  if (delay !== undefined && !(typeof delay === 'number' && delay >= 0 && delay <= 3_600_000)) return false;
  return isTime(gateway.checkedAt);
}

const SESSION_COUNTS = ['total', 'active24h', 'running', 'failed24h'];

function isSessions(sessions: unknown): boolean {
  if (!isObject(sessions) || !hasOnlyKeys(sessions, SESSION_COUNTS, [...SESSION_COUNTS, 'byChannel'])) return false;
  for (const key of SESSION_COUNTS) if (!isCount(sessions[key])) return false;
  const channels = sessions.byChannel;
  if (channels === undefined) return true;
  if (!isObject(channels)) return false;
  let size = 0;
  for (const key in channels) {
    if (!Object.hasOwn(channels, key)) continue;
    if (++size > 64 || !isLabel(key, 64) || !isCount(channels[key])) return false;
  }
  return true;
}

const BUCKET_KEYS = ['hour', 'model', ...USAGE_COUNTS, 'costUsd'];

function isUsage(usage: unknown): boolean {
  if (!Array.isArray(usage) || usage.length > 10_000) return false;
  const seen = new Set<string>();
  // A window repeats each hour once per model and each model once per hour: check each text once.
  const validHours = new Set<string>();
  const validModels = new Set<string>();
  for (const bucket of usage) {
    if (!isObject(bucket) || !hasOnlyKeys(bucket, BUCKET_KEYS, BUCKET_KEYS)) return false;
    const { hour, model, costUsd } = bucket;
    if (typeof hour !== 'string' || typeof model !== 'string') return false;
    if (!validHours.has(hour)) {
      if (hour.length > 40 || !TOP_OF_UTC_HOUR.test(hour) || !isCalendarDate(hour)) return false;
      validHours.add(hour);
    }
    if (!validModels.has(model)) {
      if (model.length > 128 || !PROVIDER_MODEL.test(model)) return false;
      validModels.add(model);
    }
    for (const key of USAGE_COUNTS) if (!isCount(bucket[key])) return false;
    if (!(typeof costUsd === 'number' && costUsd >= 0 && costUsd <= 1_000_000_000)) return false;
    // The pattern fixes the hour's form up to a zero fraction, so its first 13 characters name it.
    const key = `${hour.slice(0, 13)}|${model}`;
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

const JOB_REQUIRED = ['id', 'name', 'enabled', 'schedule', 'consecutiveErrors'];
const JOB_KEYS = [...JOB_REQUIRED, 'lastRunAt', 'lastStatus', 'lastErrorReason', 'lastDurationMs', 'nextRunAt', 'autoDisabled'];

function isCron(cron: unknown): boolean {
  if (!Array.isArray(cron) || cron.length > 1000) return false;
  const ids = new Set<string>();
  for (const job of cron) {
    if (!isObject(job) || !hasOnlyKeys(job, JOB_REQUIRED, JOB_KEYS)) return false;
    if (!isLabel(job.id, 128) || !isLabel(job.name, 200) || typeof job.enabled !== 'boolean') return false;
    if (!isSchedule(job.schedule) || !isIntIn(job.consecutiveErrors, 0, 1_000_000_000)) return false;
    if (job.lastRunAt !== undefined && !isTime(job.lastRunAt)) return false;
    if (job.nextRunAt !== undefined && !isTime(job.nextRunAt)) return false;
    if (job.lastStatus !== undefined && !(typeof job.lastStatus === 'string' && RUN_STATUSES.has(job.lastStatus))) return false;
    if (job.lastErrorReason !== undefined && !(typeof job.lastErrorReason === 'string' && ERROR_REASON.test(job.lastErrorReason))) return false;
    if (job.lastDurationMs !== undefined && !isCount(job.lastDurationMs)) return false;
    if (job.autoDisabled !== undefined && typeof job.autoDisabled !== 'boolean') return false;
    if (ids.has(job.id as string)) return false;
    ids.add(job.id as string);
  }
  return true;
}

function isSchedule(schedule: unknown): boolean {
  if (!isObject(schedule) || !hasOnlyKeys(schedule, ['kind'], ['kind', 'expr', 'tz', 'everyMs'])) return false;
  if (typeof schedule.kind !== 'string' || !SCHEDULE_KINDS.has(schedule.kind)) return false;
  if (schedule.expr !== undefined && !isLabel(schedule.expr, 128)) return false;
  if (schedule.tz !== undefined && !isLabel(schedule.tz, 64)) return false;
  return schedule.everyMs === undefined || isIntIn(schedule.everyMs, 1, Number.MAX_SAFE_INTEGER);
}

const SECURITY_KEYS = ['bind', 'authMode', 'tailscaleMode', 'stateDirMode', 'configMode', 'audit'];
const AUDIT_KEYS = ['critical', 'warn', 'info', 'checkIds'];

function isSecurity(security: unknown): boolean {
  if (!isObject(security) || !hasOnlyKeys(security, [], SECURITY_KEYS)) return false;
  if (security.bind !== undefined && !isLabel(security.bind, 64)) return false;
  if (security.authMode !== undefined && !isLabel(security.authMode, 32)) return false;
  if (security.tailscaleMode !== undefined && !isLabel(security.tailscaleMode, 32)) return false;
  for (const key of ['stateDirMode', 'configMode']) {
    const mode = security[key];
    if (mode !== undefined && !(typeof mode === 'string' && FILE_MODE.test(mode))) return false;
  }
  const audit = security.audit;
  if (audit === undefined) return true;
  if (!isObject(audit) || !hasOnlyKeys(audit, AUDIT_KEYS, AUDIT_KEYS)) return false;
  if (!isCount(audit.critical) || !isCount(audit.warn) || !isCount(audit.info)) return false;
  return isListOf(audit.checkIds, 256, (id) => typeof id === 'string' && CHECK_ID.test(id));
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every required key present, and no key outside `allowed` (JSON.parse output has no prototype keys). */
function hasOnlyKeys(value: Json, required: readonly string[], allowed: readonly string[]): boolean {
  for (const key of required) if (value[key] === undefined) return false;
  for (const key in value) if (!allowed.includes(key)) return false;
  return true;
}

function isLabel(value: unknown, max: number): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= max;
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isIntIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

function isTime(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 40 && isTimestamp(value);
}

function isListOf(value: unknown, max: number, check: (item: unknown) => boolean): boolean {
  return Array.isArray(value) && value.length <= max && value.every(check);
}
