/**
 * Group commit for concurrent requests: callers `submit` one item each; items that arrive while a
 * batch is running wait and go together in the next one. An idle batcher runs a lone item at once
 * (after the current event-loop turn, so a burst arriving together shares a batch), so batching
 * costs nothing at low load and saves round trips and commits at high load.
 */
export interface MicroBatcherOptions {
  maxBatchSize: number;
  /** Batches allowed in flight at once (each holds one database connection). */
  maxConcurrentBatches: number;
}

interface Waiting<In, Out> {
  input: In;
  resolve(output: Out): void;
  reject(error: unknown): void;
}

export class MicroBatcher<In, Out> {
  readonly #run: (inputs: In[]) => Promise<Out[]>;
  readonly #options: MicroBatcherOptions;
  #waiting: Waiting<In, Out>[] = [];
  #running = 0;
  #scheduled = false;

  /** `run` gets a batch and answers with one output per input, in order. */
  constructor(run: (inputs: In[]) => Promise<Out[]>, options: MicroBatcherOptions) {
    this.#run = run;
    this.#options = options;
  }

  submit(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.#waiting.push({ input, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => {
          this.#scheduled = false;
          this.#drain();
        });
      }
    });
  }

  #drain(): void {
    while (this.#running < this.#options.maxConcurrentBatches && this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, this.#options.maxBatchSize);
      this.#running += 1;
      this.#run(batch.map((waiting) => waiting.input))
        .then(
          (outputs) => batch.forEach((waiting, i) => waiting.resolve(outputs[i]!)),
          (error: unknown) => batch.forEach((waiting) => waiting.reject(error)),
        )
        .finally(() => {
          this.#running -= 1;
          this.#drain();
        });
    }
  }
}
