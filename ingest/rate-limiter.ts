/**
 * A token bucket per sync token, in this process's memory: `burst` requests at once, then one
 * every `refillSeconds`. With N web processes behind a balancer a token gets at most N times the
 * rate (docs/decisions.md says why that bound is the right trade).
 */
export interface RateLimit {
  allowed: boolean;
  /** Seconds until the next request would be allowed (0 when allowed). */
  retryAfterSeconds: number;
  /** This take used the last of the key's allowance: the moment it reached the limit. */
  exhausted?: boolean;
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

  /** Whether a take now would be allowed, without taking anything. */
  peek(key: string, nowMs: number): RateLimit {
    const bucket = this.#buckets.get(key);
    if (!bucket) return { allowed: true, retryAfterSeconds: 0 };
    return this.#answer(this.#refilled(bucket, nowMs));
  }

  take(key: string, nowMs: number): RateLimit {
    const bucket = this.#refilled(this.#buckets.get(key) ?? { tokens: this.#burst, updatedMs: nowMs }, nowMs);
    bucket.updatedMs = nowMs;
    // Re-inserting keeps Map order = least recently used first, for eviction below.
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > this.#maxKeys) this.#buckets.delete(this.#buckets.keys().next().value!);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0, exhausted: bucket.tokens < 1 };
    }
    return this.#answer(bucket);
  }

  /** The bucket's tokens as of `nowMs` (it earns them back while untouched). */
  #refilled(bucket: Bucket, nowMs: number): Bucket {
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (nowMs - bucket.updatedMs) / this.#refillMs);
    bucket.updatedMs = nowMs;
    return bucket;
  }

  #answer(bucket: Bucket): RateLimit {
    if (bucket.tokens >= 1) return { allowed: true, retryAfterSeconds: 0 };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(((1 - bucket.tokens) * this.#refillMs) / 1000)) };
  }
}
