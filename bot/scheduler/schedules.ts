/** Schedules the jobs share: every job that runs "every tick" asks for the same expression. */

/** A node-cron expression for "every `seconds`": sub-minute ticks use the seconds field. */
export function everySeconds(seconds: number): string {
  if (seconds < 60 && 60 % seconds === 0) return `*/${seconds} * * * * *`;
  if (seconds % 60 === 0 && seconds < 3600 && 3600 % seconds === 0) return `*/${seconds / 60} * * * *`;
  throw new Error(`a tick of ${seconds}s does not divide a minute or an hour evenly; use 1s–30s or whole minutes like 1m, 5m`);
}
