/**
 * Evaluation right after ingest, so a recovery or a gateway going down does not wait for the next
 * tick. Ingest marks the instances it just stored; shortly after (debounced, so a burst of
 * snapshots costs one pass), their snapshot rules run and stale is re-checked. It works where the web and
 * the worker share a process (`npm start`); separate worker processes pick the same instances up
 * on their next tick.
 */
import type { Orm } from '../storage/orm.ts';
import type { EventChange } from './event-store.ts';
import { evaluateInstances } from './evaluate-instances.ts';
import { evaluateStale } from './evaluate-stale.ts';

const NO_INSTANCES: ReadonlySet<string> = new Set();

export class InstantEvaluator {
  readonly #orm: Orm;
  readonly #onChanges: (changes: EventChange[]) => void;
  readonly #onError: (error: unknown) => void;
  readonly #debounceMs: number;
  readonly #staleGraceSeconds?: number;
  #marked = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();

  constructor(
    orm: Orm,
    options: { onChanges(changes: EventChange[]): void; onError(error: unknown): void; debounceMs?: number; staleGraceSeconds?: number },
  ) {
    this.#orm = orm;
    this.#onChanges = options.onChanges;
    this.#onError = options.onError;
    this.#debounceMs = options.debounceMs ?? 250;
    this.#staleGraceSeconds = options.staleGraceSeconds;
  }

  /** Called by ingest for each instance whose snapshot was just committed. */
  mark(instanceId: string): void {
    this.#marked.add(instanceId);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.#running.then(() => this.#flush()).catch(this.#onError);
    }, this.#debounceMs);
  }

  /** Waits for pending evaluations; new marks are ignored afterwards. */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  async #flush(): Promise<void> {
    const ids = [...this.#marked];
    this.#marked = new Set();
    const now = new Date();
    const em = this.#orm.em.fork();
    const changes = await evaluateStale(em, now, { graceSeconds: this.#staleGraceSeconds }, ids);
    // Snapshot rules only: the usage rules (cost drift, error spike) judge hours of usage, read
    // most of what an evaluation reads, and the next tick runs them for every instance that synced.
    changes.push(...(await evaluateInstances(em, ids, now, { withUsage: NO_INSTANCES })));
    if (changes.length > 0) this.#onChanges(changes);
  }
}
