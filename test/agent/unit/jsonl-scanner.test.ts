/** The streaming scanner against the obvious implementation (read it all, split, filter), for any buffer size. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanJsonl } from '../../../agent/openclaw/jsonl-scanner.ts';
import { tempDir } from '../support/openclaw-fixtures.ts';

const PATTERN = Buffer.from('"assistant"');

function naive(content: Buffer, from: number): { lines: string[]; offset: number } {
  const text = content.subarray(from).toString('utf8');
  const end = text.lastIndexOf('\n');
  const complete = end === -1 ? '' : text.slice(0, end);
  return {
    lines: end === -1 ? [] : complete.split('\n').filter((line) => line.includes('"assistant"')),
    offset: from + (end === -1 ? 0 : Buffer.byteLength(text.slice(0, end + 1))),
  };
}

describe('scanJsonl', () => {
  const dir = tempDir();

  it('hands over exactly the complete lines containing the pattern, for any buffer size and start', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 40 }).map((text) => text.replaceAll('\n', ' ')),
      fc.string({ maxLength: 300 }).map((text) => `{"role":"assistant","text":${JSON.stringify(text.replaceAll('\n', ' '))}}`),
      fc.integer({ min: 50, max: 400 }).map((length) => 'x'.repeat(length)),
      fc.integer({ min: 50, max: 400 }).map((length) => `${'y'.repeat(length)}"assistant"${'z'.repeat(length)}`),
      fc.constant('ünïcödé "assistant" ✓'),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.boolean(), fc.integer({ min: 16, max: 200 }), fc.nat(), (lines, trailingPartial, bufferBytes, startPick) => {
        const text = lines.join('\n') + (lines.length > 0 ? '\n' : '') + (trailingPartial ? '{"role":"assistant","half' : '');
        const content = Buffer.from(text);
        const boundaries = [0, ...[...content.keys()].filter((index) => content[index] === 0x0a).map((index) => index + 1)];
        const from = boundaries[startPick % boundaries.length]!;
        const path = join(dir, 'scan.jsonl');
        writeFileSync(path, content);
        const seen: string[] = [];
        const result = scanJsonl({ path, fromOffset: from, pattern: PATTERN, bufferBytes, onCandidate: (candidate) => seen.push(candidate) });
        const expected = naive(content, from);
        expect(seen).toEqual(expected.lines);
        expect(result.offset).toBe(expected.offset);
        expect(result.bytesRead).toBe(content.length - from);
      }),
      { numRuns: 300 },
    );
  });

  it('skips a candidate line larger than the limit instead of loading it', () => {
    const path = join(dir, 'huge.jsonl');
    writeFileSync(path, `{"role":"assistant","text":"${'a'.repeat(5000)}"}\n{"role":"assistant","small":1}\n`);
    const seen: string[] = [];
    const result = scanJsonl({ path, fromOffset: 0, pattern: PATTERN, bufferBytes: 64, maxCandidateLineBytes: 1000, onCandidate: (line) => seen.push(line) });
    expect(seen).toEqual(['{"role":"assistant","small":1}']);
    expect(result.oversizedLinesSkipped).toBe(1);
  });
});
