/**
 * What a rule decides for one (instance, kind, key): open an event, resolve the open one, or keep
 * things as they are (optionally with refreshed figures). Rules are pure functions of
 * (facts, previous events, now, thresholds); the scheduler does every read and write.
 */
export type EventKind = 'stale' | 'gateway-down' | 'cron-failed' | 'cron-missed' | 'cost-drift' | 'error-spike' | 'security' | 'budget';

/** The open event a rule sees for one key (events of other keys and kinds are not its business). */
export interface OpenEvent {
  key: string;
  openedAt: Date;
  details: Record<string, unknown>;
}

export type Decision =
  | { action: 'open'; key: string; summary: string; details: Record<string, unknown> }
  | { action: 'resolve'; key: string; summary: string; details: Record<string, unknown> }
  /** Still open (or still fine); `details` replaces the stored figures when given. */
  | { action: 'keep'; key: string; details?: Record<string, unknown> };

/** The open events of one kind for one instance, by key. */
export type OpenEvents = ReadonlyMap<string, OpenEvent>;
