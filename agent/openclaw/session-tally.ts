/**
 * Session counts for the snapshot, from whatever each era stores per session: when it was last
 * updated, its status, and the chat platform it belongs to. Statuses are OpenClaw's own words
 * (`running`, `done`, `failed`, `killed`, `timeout`); a killed session was stopped on purpose and
 * is not a failure.
 */
import type { SessionCounts } from '../../ingest/contract.ts';

export interface SessionRecord {
  updatedAtMs?: number;
  status?: string;
  channel?: string;
}

const DAY_MS = 86_400_000;
const MAX_CHANNELS = 64;

export class SessionTally {
  private readonly since: number;
  private total = 0;
  private active24h = 0;
  private running = 0;
  private failed24h = 0;
  private readonly channels = new Map<string, number>();

  constructor(nowMs: number) {
    this.since = nowMs - DAY_MS;
  }

  add(session: SessionRecord): void {
    this.total += 1;
    const recent = session.updatedAtMs !== undefined && session.updatedAtMs >= this.since;
    if (recent) this.active24h += 1;
    if (session.status === 'running') this.running += 1;
    if (recent && (session.status === 'failed' || session.status === 'timeout')) this.failed24h += 1;
    if (session.channel) this.channels.set(session.channel, (this.channels.get(session.channel) ?? 0) + 1);
  }

  counts(): SessionCounts {
    const counts: SessionCounts = { total: this.total, active24h: this.active24h, running: this.running, failed24h: this.failed24h };
    if (this.channels.size > 0) counts.byChannel = topChannels(this.channels);
    return counts;
  }
}

/** A chat platform's name (`telegram`, `discord`, `slack`…) — never a chat id or a target. */
export function channelName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const name = value.trim().toLowerCase();
  return /^[a-z][a-z0-9_-]{0,31}$/.test(name) ? name : undefined;
}

/** The contract allows 64 channels; beyond that the smallest are summed into `other`. */
function topChannels(channels: Map<string, number>): Record<string, number> {
  const sorted = [...channels.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (sorted.length <= MAX_CHANNELS) return Object.fromEntries(sorted);
  const kept = sorted.slice(0, MAX_CHANNELS - 1).filter(([name]) => name !== 'other');
  const rest = sorted.filter(([name]) => !kept.some(([keptName]) => keptName === name)).reduce((sum, [, count]) => sum + count, 0);
  return Object.fromEntries([...kept, ['other', rest]]);
}
