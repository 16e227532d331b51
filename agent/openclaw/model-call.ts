/**
 * One model call, as read from a transcript entry. Every OpenClaw era writes the same pi session
 * line for it (a `.jsonl` line, or a `transcript_events.event_json` row):
 *
 *   {"type":"message","id":"…","timestamp":"2026-…Z","message":{"role":"assistant","provider":"…",
 *    "model":"…","usage":{"input":…,"output":…,"cacheRead":…,"cacheWrite":…,"cost":{"total":…}},
 *    "stopReason":"stop"|"error", "content":[…], …}}
 *
 * Only numbers and the provider/model names are taken; the content never leaves this function.
 */
import { asRecord, epochMs, nonNegativeInteger, nonNegativeNumber } from './values.ts';

/** The bytes every assistant-message line contains; lines without them are never parsed. */
export const ASSISTANT_MARKER = Buffer.from('"assistant"');

export interface ModelCall {
  /**
   * The transcript entry's id. With `atMs` it identifies the call across files and rows (reset
   * archives, forks), for deduplication: the id alone is 8 hex digits in older releases.
   */
  entryId?: string;
  atMs: number;
  /** `provider/model` */
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Undefined when the entry carries no cost: counted as `missingCost`. */
  costUsd?: number;
  error: boolean;
}

/** Parses one transcript line; undefined for anything that is not an assistant message. */
export function modelCallFromLine(line: string): ModelCall | undefined | 'corrupt' {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return 'corrupt';
  }
  return modelCallFromEntry(entry);
}

export function modelCallFromEntry(entry: unknown): ModelCall | undefined {
  const record = asRecord(entry);
  if (!record || record.type !== 'message') return undefined;
  const message = asRecord(record.message);
  if (!message || message.role !== 'assistant') return undefined;
  // The entry's own timestamp is when the call was recorded; the message's is the fallback.
  const atMs = epochMs(record.timestamp) ?? epochMs(message.timestamp);
  if (atMs === undefined) return undefined;
  const usage = asRecord(message.usage);
  const cost = asRecord(usage?.cost);
  const id = typeof record.id === 'string' && record.id.length > 0 && record.id.length <= 128 ? record.id : undefined;
  return {
    entryId: id,
    atMs,
    model: modelLabel(message.provider, message.model),
    inputTokens: nonNegativeInteger(usage?.input) ?? 0,
    outputTokens: nonNegativeInteger(usage?.output) ?? 0,
    cacheReadTokens: nonNegativeInteger(usage?.cacheRead) ?? 0,
    cacheWriteTokens: nonNegativeInteger(usage?.cacheWrite) ?? 0,
    costUsd: nonNegativeNumber(cost?.total),
    error: message.stopReason === 'error',
  };
}

/** `provider/model`, shaped to the contract: no whitespace, at most 128 characters. */
export function modelLabel(provider: unknown, model: unknown): string {
  const clean = (value: unknown, max: number) =>
    typeof value === 'string' && value.trim() !== '' ? value.trim().replace(/\s+/g, '_').slice(0, max) : 'unknown';
  const providerPart = clean(provider, 48).replaceAll('/', '_');
  let modelPart = clean(model, 128 - providerPart.length - 1);
  // Some model ids already carry their provider ("fakellm/fake-model"); don't say it twice.
  if (modelPart.startsWith(`${providerPart}/`)) modelPart = modelPart.slice(providerPart.length + 1) || 'unknown';
  return `${providerPart}/${modelPart}`;
}
