/**
 * Sessions of the JSON eras (OpenClaw <= 2026.7): `agents/<id>/sessions/sessions.json`, an object
 * keyed by session key whose values are session entries. Only three facts per entry are taken —
 * when it was updated, its status, its chat platform — never its key (which can name a chat),
 * label, prompts or counters (those hold only the last run and must not be summed).
 */
import { readJsonStateFile } from './state-file-error.ts';
import { channelName, type SessionRecord } from './session-tally.ts';
import { UnsupportedLayoutError } from './unsupported-layout.ts';
import { asRecord, epochMs, safeToken } from './values.ts';

export function readSessionsJson(path: string): SessionRecord[] {
  const parsed = readJsonStateFile(path);
  if (parsed === undefined) return [];
  const entries = asRecord(parsed);
  if (!entries) throw new UnsupportedLayoutError(`${path} is not an object of session entries`);
  const sessions: SessionRecord[] = [];
  for (const value of Object.values(entries)) {
    const entry = asRecord(value);
    if (!entry) continue;
    sessions.push({
      updatedAtMs: epochMs(entry.updatedAt) ?? epochMs(entry.lastInteractionAt),
      status: safeToken(entry.status, 32),
      channel: sessionChannel(entry),
    });
  }
  return sessions;
}

export function sessionChannel(entry: Record<string, unknown>): string | undefined {
  return (
    channelName(entry.lastChannel) ??
    channelName(entry.channel) ??
    channelName(asRecord(entry.origin)?.provider) ??
    channelName(asRecord(entry.deliveryContext)?.channel)
  );
}

