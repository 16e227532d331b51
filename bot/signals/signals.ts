/**
 * Nudges between the parts of DeepClaw, so work happens when there is work rather than on the
 * next tick: ingest says "these instances have new snapshots" (the worker evaluates them at once),
 * evaluation says "notifications are queued" (the worker delivers at once).
 *
 * A nudge is only a hint: ticks still find everything, so a lost nudge delays, never loses, work.
 * Within one process (`npm start`, or the embedded database, whose one session cannot carry
 * notifications between connections) they are plain events; across processes on a Postgres
 * server they travel by LISTEN/NOTIFY (postgres-signals.ts).
 */
import { EventEmitter } from 'node:events';

export interface Signals {
  /** Ingest committed snapshots of these instances. */
  snapshotsStored(instanceIds: readonly string[]): void;
  /** Events changed and their notifications wait in the outbox. */
  notificationsQueued(): void;
  onSnapshotsStored(listener: (instanceIds: string[]) => void): void;
  onNotificationsQueued(listener: () => void): void;
  close(): Promise<void>;
}

export function localSignals(): Signals {
  const emitter = new EventEmitter();
  return {
    snapshotsStored: (instanceIds) => void emitter.emit('snapshots', [...instanceIds]),
    notificationsQueued: () => void emitter.emit('notifications'),
    onSnapshotsStored: (listener) => void emitter.on('snapshots', listener),
    onNotificationsQueued: (listener) => void emitter.on('notifications', listener),
    async close() {
      emitter.removeAllListeners();
    },
  };
}
