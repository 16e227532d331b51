import { describe, expect, it } from 'vitest';
import { fitList, hiddenSummary, UNLIMITED } from './fit-list.ts';
import type { ListItem } from './message.ts';

const HEALTHY = { one: 'healthy instance', other: 'healthy instances' };
const PAUSED = { one: 'paused instance', other: 'paused instances' };

/** 500 instances: two problems first, then 490 healthy and 8 paused, as status orders them. */
const FLEET: ListItem[] = [
  { text: '🔴 gw-110: stale, last sync 40 min ago, 1 open event (stale)', counted: { one: 'stale instance', other: 'stale instances' } },
  { text: '🟢 gw-007: ok, last sync 1 min ago, 1 open event (gateway-down)', counted: { one: 'instance with its gateway down', other: 'instances with their gateway down' } },
  ...Array.from({ length: 498 }, (_, i) => ({ text: `🟢 gw-${String(i + 200).padStart(3, '0')}: ok, last sync 2 min ago`, counted: i % 62 === 61 ? PAUSED : HEALTHY })),
];

describe('fitting a list to a platform budget', () => {
  it('shows everything when it fits', () => {
    expect(fitList(FLEET, UNLIMITED)).toHaveLength(500);
    expect(fitList(['a', 'b'], { maxLines: 2, maxCharacters: 3 })).toEqual(['a', 'b']);
  });

  it('keeps the order given and ends with what it hid, within a line budget', () => {
    const lines = fitList(FLEET, { maxLines: 50, maxCharacters: Infinity });
    expect(lines).toHaveLength(50);
    expect(lines.slice(0, 2)).toEqual([FLEET[0]!.text, (FLEET[1] as ListItem).text]);
    expect(lines.at(-1)).toBe('…and 451 more: 443 healthy instances, 8 paused instances');
  });

  it('stays within a character budget measured on the rendered lines', () => {
    const render = (item: string) => `• ${item.replace(/&/g, '&amp;')}`;
    for (const maxCharacters of [3000, 500, 200]) {
      const lines = fitList(FLEET, { maxLines: Infinity, maxCharacters }, render);
      expect(lines.join('\n').length).toBeLessThanOrEqual(maxCharacters);
      expect(lines.at(-1)).toMatch(/^• …and \d+ more/);
      const shown = lines.length - 1;
      expect(lines.at(-1)).toContain(`${500 - shown} more`);
      // Nothing more would have fitted: one more item and the summary line go over.
      const onceMore = [...lines.slice(0, -1), render((FLEET[shown] as ListItem).text), render(hiddenSummary(FLEET.slice(shown + 1)))];
      expect(onceMore.join('\n').length).toBeGreaterThan(maxCharacters);
    }
  });

  it('says "1 more" in the singular, and names plain items as items', () => {
    expect(hiddenSummary([{ text: 'x', counted: HEALTHY }])).toBe('…and 1 more healthy instance');
    expect(hiddenSummary(['a', 'b'])).toBe('…and 2 more items');
  });

  it('shows only the summary when not even one item fits, and nothing when not even that does', () => {
    expect(fitList([{ text: 'x'.repeat(100), counted: HEALTHY }], { maxLines: 5, maxCharacters: 40 })).toEqual(['…and 1 more healthy instance']);
    expect(fitList(['a', 'b'], { maxLines: 0, maxCharacters: 100 })).toEqual([]);
  });
});
