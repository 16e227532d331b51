import { describe, expect, it } from 'vitest';
import { closeNames, didYouMean, editDistance } from './suggest.ts';

describe('name suggestions', () => {
  const names = ['my-vps', 'my-vps-2', 'prod-eu', 'staging'];

  it('suggests names one typo away', () => {
    expect(closeNames('my-vsp', names)).toContain('my-vps');
    expect(closeNames('prod-ue', names)).toEqual(['prod-eu']);
  });

  it('suggests names containing what was typed', () => {
    expect(closeNames('stag', names)).toEqual(['staging']);
  });

  it('suggests nothing for an unrelated name', () => {
    expect(closeNames('database', names)).toEqual([]);
    expect(didYouMean('database', names)).toBe('');
  });

  it('phrases one or several suggestions as a question', () => {
    expect(didYouMean('prod-ue', names)).toBe(' Did you mean "prod-eu"?');
    expect(didYouMean('my-vp', names)).toBe(' Did you mean "my-vps" or "my-vps-2"?');
  });

  it('measures edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
