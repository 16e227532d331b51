/**
 * The one SQL statement that stores a batch of snapshots: token check, history insert, state,
 * cron jobs and usage, as data-modifying CTEs. One statement is one round trip and its own
 * transaction, and under load a round trip costs milliseconds of scheduling latency on a small
 * machine, so this is what lets a batch finish in a single trip (bench/ingest.ts).
 *
 * Rules it implements (ARCHITECTURE.md section 4; plus a token's first use, for chat):
 * - only a working token writes, and only for its own instance (the join decides the instance);
 * - the first copy of an (instance, snapshotId) is stored; any later copy is a replay that writes
 *   nothing and is answered with the first answer;
 * - instance state and cron jobs only move forward: a snapshot replaces them when its seq is
 *   higher, or lower with a later sentAt (the agent's counter restarted after a reinstall); the
 *   cron rows are rewritten only when the list's digest changed;
 * - usage buckets merge column-wise by GREATEST: nothing a late or repeated snapshot carries can
 *   lower a figure; a change to an hour older than the previous one is counted as a late write;
 * - a stored snapshot is worth evaluating at once (bot/events/instant-evaluation.ts) when it
 *   changes what a snapshot rule reads — the gateway's health, the security posture, the cron
 *   list — or its instance is the first of its kind or stale; the tick evaluates every other one.
 *
 * Every CTE sees the database as it was when the statement began; `prior` therefore holds exactly
 * the snapshots stored by earlier requests.
 */
import { SETTLING_HOURS } from '../events/usage-windows.ts';

/** When an incoming snapshot replaces the stored state of its instance. */
const IS_NEWER = `(excluded.last_seq > instance_state.last_seq
    or (excluded.last_seq < instance_state.last_seq and excluded.last_sent_at > instance_state.last_sent_at))`;

const STATE_COLUMNS = [
  'last_seq',
  'last_snapshot_id',
  'last_sent_at',
  'clock_skew_ms',
  'agent_version',
  'agent_interval_seconds',
  'gateway',
  'sessions',
  'security',
  'cron_digest',
];

const USAGE_COUNTS = ['runs', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'cost_usd', 'errors', 'missing_cost'];

export const INGEST_STATEMENT = `
with items as (
  -- The bodies arrive as one binary parameter ($27) cut at the given offsets: an array of bytea
  -- would travel as hex text, twice the bytes, encoded on one side and parsed on the other.
  select t.*, substring($27::bytea from t.body_start + 1 for t.body_length) as body
    from unnest($1::int4[], $2::text[], $3::uuid[], $4::int8[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[],
                $8::int4[], $28::int4[], $9::text[], $10::int4[], $11::jsonb[], $12::jsonb[], $13::jsonb[], $14::text[], $15::text[])
      as t(idx, token_hash, snapshot_id, seq, received_at, sent_at, next_sync_before,
           body_start, body_length, agent_version, agent_interval_seconds, gateway, sessions, security, cron, cron_digest)
),
auth as (
  select i.*, tok.id as token_id, tok.first_used_at is null as token_unused, tok.instance_id, inst.name as instance_name, inst.workspace_id, inst.paused_at,
         case when tok.id is null or inst.id is null then 'unknown'
              when tok.revoked_at is not null then 'revoked'
              when tok.expires_at is not null and tok.expires_at <= i.received_at then 'expired'
              else 'ok' end as status
    from items i
    -- One index probe per item, whatever the planner believes of the table's size ("offset 0"
    -- keeps it from flattening the subquery into a join it may plan as a hash of every token):
    -- the embedded database has no autovacuum, so its statistics can be arbitrarily stale.
    left join lateral (select * from sync_token where token_hash = i.token_hash offset 0) tok on true
    left join instance inst on inst.id = tok.instance_id
),
candidates as (
  select distinct on (instance_id, snapshot_id) * from auth where status = 'ok' order by instance_id, snapshot_id, idx
),
prior as (
  select s.instance_id, s.snapshot_id, s.next_sync_before
    from snapshot s join candidates c on s.instance_id = c.instance_id and s.snapshot_id = c.snapshot_id
),
inserted as (
  insert into snapshot (instance_id, snapshot_id, seq, received_at, sent_at, next_sync_before, body)
  select instance_id, snapshot_id, seq, received_at, sent_at, next_sync_before, body from candidates order by instance_id, idx
  on conflict do nothing
  returning instance_id, snapshot_id
),
fresh as (
  select c.* from candidates c where (c.instance_id, c.snapshot_id) in (select instance_id, snapshot_id from inserted)
),
newest as (
  select distinct on (instance_id) * from fresh order by instance_id, seq desc, sent_at desc
),
seen as (
  select instance_id, max(received_at) as last_seen_at from fresh group by instance_id
),
state as (
  insert into instance_state (instance_id, last_seen_at, ${STATE_COLUMNS.join(', ')}, cron_changed)
  select n.instance_id, s.last_seen_at, n.seq, n.snapshot_id, n.sent_at,
         (extract(epoch from (n.received_at - n.sent_at)) * 1000)::int8,
         n.agent_version, n.agent_interval_seconds, n.gateway, n.sessions, n.security, n.cron_digest, true
    from newest n join seen s on s.instance_id = n.instance_id
   order by n.instance_id
  on conflict (instance_id) do update set
    last_seen_at = greatest(instance_state.last_seen_at, excluded.last_seen_at),
    ${STATE_COLUMNS.map((column) => `${column} = case when ${IS_NEWER} then excluded.${column} else instance_state.${column} end`).join(',\n    ')},
    -- Judged against the locked, latest row, so concurrent statements agree on it.
    cron_changed = ${IS_NEWER} and excluded.cron_digest is distinct from instance_state.cron_digest
  returning instance_id, last_snapshot_id, cron_changed
),
winners as (
  select n.instance_id, n.seq, n.received_at, n.cron::jsonb as cron
    from state w join newest n on n.instance_id = w.instance_id and n.snapshot_id = w.last_snapshot_id
   where w.cron_changed
),
cron_removed as (
  delete from cron_job c using winners w
   where c.instance_id = w.instance_id
     and not exists (select 1 from jsonb_array_elements(w.cron) j where j->>'id' = c.job_id)
),
cron_written as (
  insert into cron_job (instance_id, job_id, name, enabled, schedule, last_run_at, last_status, last_error_reason,
                        last_duration_ms, next_run_at, consecutive_errors, auto_disabled, seq, updated_at)
  select w.instance_id, j.id, j.name, j.enabled, j.schedule, j."lastRunAt", j."lastStatus", j."lastErrorReason",
         j."lastDurationMs", j."nextRunAt", j."consecutiveErrors", coalesce(j."autoDisabled", false), w.seq, w.received_at
    from winners w,
         jsonb_to_recordset(w.cron) as j(id text, name text, enabled boolean, schedule jsonb, "lastRunAt" timestamptz,
                                         "lastStatus" text, "lastErrorReason" text, "lastDurationMs" int8,
                                         "nextRunAt" timestamptz, "consecutiveErrors" int4, "autoDisabled" boolean)
   order by w.instance_id, j.id
  on conflict (instance_id, job_id) do update set
    name = excluded.name, enabled = excluded.enabled, schedule = excluded.schedule, last_run_at = excluded.last_run_at,
    last_status = excluded.last_status, last_error_reason = excluded.last_error_reason,
    last_duration_ms = excluded.last_duration_ms, next_run_at = excluded.next_run_at,
    consecutive_errors = excluded.consecutive_errors, auto_disabled = excluded.auto_disabled,
    seq = excluded.seq, updated_at = excluded.updated_at
  where (cron_job.name, cron_job.enabled, cron_job.schedule, cron_job.last_run_at, cron_job.last_status,
         cron_job.last_error_reason, cron_job.last_duration_ms, cron_job.next_run_at, cron_job.consecutive_errors,
         cron_job.auto_disabled)
        is distinct from
        (excluded.name, excluded.enabled, excluded.schedule, excluded.last_run_at, excluded.last_status,
         excluded.last_error_reason, excluded.last_duration_ms, excluded.next_run_at, excluded.consecutive_errors,
         excluded.auto_disabled)
),
first_use as (
  -- A token's first snapshot is remembered once (chat's rotate-token follow-up waits for it);
  -- afterwards the filter on auth's row leaves nothing to update, so steady syncs pay nothing.
  update sync_token t set first_used_at = f.first_at
    from (select token_id, min(received_at) as first_at from fresh where token_unused group by token_id) f
   where t.id = f.token_id and t.first_used_at is null
),
usage_in as (
  select f.instance_id, u.hour, u.model, ${USAGE_COUNTS.map((column) => `max(u.${column}) as ${column}`).join(', ')}, max(f.received_at) as updated_at
    from unnest($16::int4[], $17::timestamptz[], $18::text[], $19::int8[], $20::int8[], $21::int8[], $22::int8[], $23::int8[],
                $24::float8[], $25::int8[], $26::int8[])
           as u(idx, hour, model, ${USAGE_COUNTS.join(', ')})
    join fresh f on f.idx = u.idx
   group by f.instance_id, u.hour, u.model
),
usage_written as (
  insert into usage_hourly (instance_id, hour, model, ${USAGE_COUNTS.join(', ')}, updated_at)
  select * from usage_in order by instance_id, hour, model
  on conflict (instance_id, hour, model) do update set
    ${USAGE_COUNTS.map((column) => `${column} = greatest(usage_hourly.${column}, excluded.${column})`).join(',\n    ')},
    updated_at = excluded.updated_at
  where ${USAGE_COUNTS.map((column) => `excluded.${column} > usage_hourly.${column}`).join(' or ')}
  returning instance_id, hour, updated_at
),
before as (
  -- What the snapshot rules last saw of each instance this batch writes a state for.
  select st.instance_id, st.gateway, st.security, st.cron_digest,
         exists (select 1 from event e where e.instance_id = st.instance_id and e.kind = 'stale' and e.state <> 'resolved') as stale
    from instance_state st
   where st.instance_id in (select instance_id from newest)
),
worth_evaluating as (
  select n.idx from newest n left join before b on b.instance_id = n.instance_id
   where b.instance_id is null or b.stale
      -- uptime and checkedAt change every time; live, ready and failing are what gateway-down reads
      or (b.gateway -> 'live', b.gateway -> 'ready', b.gateway -> 'failing') is distinct from (n.gateway -> 'live', n.gateway -> 'ready', n.gateway -> 'failing')
      or b.security is distinct from n.security
      or b.cron_digest is distinct from n.cron_digest
),
late_usage as (
  -- A change to a settled hour may already be summed (bot/events/usage-summary.ts): counted, so
  -- that summary is not used. A steady agent only changes the recent hours and skips this.
  insert into usage_late_write (instance_id, writes)
  select instance_id, 1 from usage_written
   where hour < date_trunc('hour', updated_at, 'UTC') - interval '${SETTLING_HOURS - 1} hours'
   group by instance_id order by instance_id
  on conflict (instance_id) do update set writes = usage_late_write.writes + 1
)
select a.idx, a.status, a.instance_id, a.instance_name, a.workspace_id, a.paused_at is not null as paused,
       a.idx in (select idx from fresh) as stored,
       a.idx in (select idx from worth_evaluating) as worth_evaluating,
       p.next_sync_before as first_answer
  from auth a
  left join prior p on p.instance_id = a.instance_id and p.snapshot_id = a.snapshot_id
`;

/** One row of the statement's answer, per item of the batch. */
export interface IngestStatementRow {
  idx: number;
  status: 'ok' | 'unknown' | 'revoked' | 'expired';
  instance_id: string | null;
  instance_name: string | null;
  workspace_id: string | null;
  paused: boolean;
  /** This item's snapshot was inserted now (it is the first copy). */
  stored: boolean;
  /** It changed what a snapshot rule reads, or its instance is new or stale (see the rules above). */
  worth_evaluating: boolean;
  /** The answer given when an earlier request stored this snapshot; text from the driver. */
  first_answer: string | null;
}
