/**
 * stale: the agent went quiet. Opens when no snapshot arrived for interval + grace (grace by
 * default max(interval, 5 min)); never for an instance that has not synced yet or is paused.
 * Resolves when a snapshot arrives, saying how long the silence lasted.
 */
import type { Decision, OpenEvents } from '../decision.ts';
import { humanDuration } from '../../human-format.ts';

export interface StaleFacts {
  /** When the newest snapshot arrived; undefined before the first. */
  lastSeenAt?: Date;
  /** The interval the agent reports (or the instance's configured one before the first sync). */
  intervalSeconds: number;
  paused: boolean;
}

export interface StaleThresholds {
  /** Overrides the default grace of max(interval, 5 min). */
  graceSeconds?: number;
}

const KEY = 'agent';

export function staleGraceSeconds(intervalSeconds: number, thresholds: StaleThresholds): number {
  return thresholds.graceSeconds ?? Math.max(intervalSeconds, 300);
}

export function decideStale(facts: StaleFacts, open: OpenEvents, now: Date, thresholds: StaleThresholds): Decision[] {
  const current = open.get(KEY);
  if (!facts.lastSeenAt) return current ? [{ action: 'keep', key: KEY }] : [];
  const silentMs = now.getTime() - facts.lastSeenAt.getTime();
  const allowedMs = (facts.intervalSeconds + staleGraceSeconds(facts.intervalSeconds, thresholds)) * 1000;
  const details = { lastSeenAt: facts.lastSeenAt.toISOString(), intervalSeconds: facts.intervalSeconds, silentSeconds: Math.round(silentMs / 1000) };
  if (facts.paused) {
    return current ? [{ action: 'resolve', key: KEY, summary: 'paused; no longer watched for silence', details }] : [];
  }
  if (silentMs > allowedMs) {
    if (current) return [{ action: 'keep', key: KEY, details }];
    return [
      {
        action: 'open',
        key: KEY,
        summary: `last sync ${humanDuration(silentMs)} ago, expected every ${humanDuration(facts.intervalSeconds * 1000)}`,
        details,
      },
    ];
  }
  if (!current) return [];
  // The silence began at the last sync before the event opened.
  const silenceStartedAt = Date.parse(String(current.details.lastSeenAt ?? current.openedAt.toISOString()));
  return [
    {
      action: 'resolve',
      key: KEY,
      summary: `syncing again after ${humanDuration(facts.lastSeenAt.getTime() - silenceStartedAt)} of silence`,
      details,
    },
  ];
}
