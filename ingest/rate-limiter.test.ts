import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.ts';

describe('rate limiter', () => {
  it('allows the burst at once, then one request per refill period', () => {
    const limiter = new RateLimiter({ burst: 6, refillSeconds: 10 });
    for (let i = 0; i < 6; i++) expect(limiter.take('token', 0).allowed).toBe(true);
    expect(limiter.take('token', 0)).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(limiter.take('token', 4_000)).toEqual({ allowed: false, retryAfterSeconds: 6 });
    expect(limiter.take('token', 10_000).allowed).toBe(true);
    expect(limiter.take('token', 10_000).allowed).toBe(false);
  });

  it('says which take used up the allowance, once per time it runs out', () => {
    const limiter = new RateLimiter({ burst: 2, refillSeconds: 10 });
    expect(limiter.take('ip', 0).exhausted).toBe(false);
    expect(limiter.take('ip', 0).exhausted).toBe(true);
    expect(limiter.take('ip', 1_000).exhausted).toBeUndefined();
    expect(limiter.take('ip', 11_000)).toEqual({ allowed: true, retryAfterSeconds: 0, exhausted: true });
  });

  it('peeks without taking', () => {
    const limiter = new RateLimiter({ burst: 1, refillSeconds: 10 });
    expect(limiter.peek('ip', 0)).toEqual({ allowed: true, retryAfterSeconds: 0 });
    expect(limiter.peek('ip', 0).allowed).toBe(true);
    limiter.take('ip', 0);
    expect(limiter.peek('ip', 5_000)).toEqual({ allowed: false, retryAfterSeconds: 5 });
    expect(limiter.peek('ip', 10_000).allowed).toBe(true);
  });

  it('keeps each token to its own bucket', () => {
    const limiter = new RateLimiter({ burst: 1, refillSeconds: 10 });
    expect(limiter.take('a', 0).allowed).toBe(true);
    expect(limiter.take('a', 0).allowed).toBe(false);
    expect(limiter.take('b', 0).allowed).toBe(true);
  });

  it('never refills past the burst', () => {
    const limiter = new RateLimiter({ burst: 2, refillSeconds: 1 });
    limiter.take('t', 0);
    const later = 1_000_000;
    expect(limiter.take('t', later).allowed).toBe(true);
    expect(limiter.take('t', later).allowed).toBe(true);
    expect(limiter.take('t', later).allowed).toBe(false);
  });

  it('forgets the least recently seen tokens beyond its size bound', () => {
    const limiter = new RateLimiter({ burst: 1, refillSeconds: 60, maxKeys: 2 });
    limiter.take('a', 0);
    limiter.take('b', 0);
    limiter.take('c', 0); // evicts "a"
    expect(limiter.take('a', 0).allowed).toBe(true);
    expect(limiter.take('c', 0).allowed).toBe(false);
  });
});
