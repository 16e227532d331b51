/**
 * A token bucket per sync token, in this process's memory: `burst` requests at once, then one
 * every `refillSeconds`. With N web processes behind a balancer a token gets at most N times the
 * rate (docs/decisions.md says why that bound is the right trade).
 */
export interface RateLimit {
  allowed: boolean;
  /** Seconds until the next request would be allowed (0 when allowed). */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class RateLimiter {
  readonly #burst: number;
  readonly #refillMs: number;
  readonly #maxKeys: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: { burst: number; refillSeconds: number; maxKeys?: number }) {
    this.#burst = options.burst;
    this.#refillMs = options.refillSeconds * 1000;
    this.#maxKeys = options.maxKeys ?? 200_000;
  }

  take(key: string, nowMs: number): RateLimit {
    const bucket = this.#buckets.get(key) ?? { tokens: this.#burst, updatedMs: nowMs };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (nowMs - bucket.updatedMs) / this.#refillMs);
    bucket.updatedMs = nowMs;
    // Re-inserting keeps Map order = least recently used first, for eviction below.
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > this.#maxKeys) this.#buckets.delete(this.#buckets.keys().next().value!);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(((1 - bucket.tokens) * this.#refillMs) / 1000)) };
  }
}
