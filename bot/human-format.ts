/**
 * Text for people, in one place: durations, dollars and UTC times as every message, answer and
 * CLI listing writes them.
 */

/** "45 s", "17 min", "3 h 20 min", "2 d 4 h": how long something lasted, for people. */
export function humanDuration(milliseconds: number): string {
  const seconds = Math.max(0, Math.round(milliseconds / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** "$41.20" */
export function dollars(amount: number): string {
  return `$${amount.toFixed(2)}`;
}

/** "2026-11-21 20:46 UTC": readable, unambiguous, sortable. */
export function utcMinute(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "20:46 UTC", for times within the day being talked about. */
export function utcTime(at: Date): string {
  return `${at.toISOString().slice(11, 16)} UTC`;
}
