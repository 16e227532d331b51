/**
 * The demo's script: eight simulated OpenClaw instances and what happens to them when, so that
 * every rule of the event engine fires (and, where the world lets it, resolves) within about two
 * minutes — or about thirty seconds with `--fast`. Pure data and pure functions: the runner
 * (`run-demo.ts`) does the pushing and the printing.
 *
 * The two versions tell the same story; only the clock differs. Stale needs the agent's interval
 * (10 s, the contract's minimum) plus the grace to pass in silence, so the fast version shortens
 * the grace, not the interval, and pushes more often than the interval says (agents may sync
 * early; they must not sync late).
 */
import type { EventKind } from '../events/decision.ts';

export type DemoPace = 'full' | 'fast';

/** What is true of one simulated instance at a moment of the story. */
export interface Condition {
  /** The agent pushes snapshots. */
  syncing: boolean;
  gatewayLive: boolean;
  /** `security.bind`: `loopback` is safe, `lan` exposes the gateway. */
  bind: 'loopback' | 'lan';
  /** The `nightly-report` cron job's last run failed. */
  reportFailing: boolean;
  /** The `heartbeat` cron job keeps running on schedule. */
  heartbeatRunning: boolean;
  /** This hour's spend jumped (an expensive model took over). */
  spendJumped: boolean;
  /** This hour's model calls fail far more often than usual. */
  errorsSpiking: boolean;
}

export const CALM: Condition = {
  syncing: true,
  gatewayLive: true,
  bind: 'loopback',
  reportFailing: false,
  heartbeatRunning: true,
  spendJumped: false,
  errorsSpiking: false,
};

export interface DemoInstance {
  name: string;
  /** One line for the cast list printed at start. */
  role: string;
  /** Cron jobs it reports: every instance has a daily digest; the cron instance has two more. */
  cronJobs: readonly ('daily-digest' | 'nightly-report' | 'heartbeat')[];
}

export interface Beat {
  /** Seconds after the fleet's first push. */
  at: number;
  instances: readonly string[];
  change: Partial<Condition>;
  /** Said before it happens ("in ~30 s …") and when it does. */
  narration: string;
}

export interface ScriptedEvent {
  instance: string;
  kind: EventKind;
  /** Whether the story also resolves it (cost drift and error spikes settle over hours, not seconds). */
  resolves: boolean;
  /** Why a person should expect it, for the summary. */
  because: string;
}

export interface DemoStory {
  pace: DemoPace;
  instances: readonly DemoInstance[];
  beats: readonly Beat[];
  expected: readonly ScriptedEvent[];
  /** How often every syncing instance pushes. */
  pushEverySeconds: number;
  /** The interval the agents report (the stale rule's expectation). */
  agentIntervalSeconds: number;
  /** Silence allowed past the interval before an instance is stale. */
  staleGraceSeconds: number;
  /** Lateness allowed before a cron run counts as missed. */
  cronMissedGraceSeconds: number;
  /** The heartbeat job's schedule. */
  heartbeatEverySeconds: number;
  /** When the summary is printed. */
  endsAt: number;
}

export const DEMO_WORKSPACE_NOTE = 'the default workspace';

const FLEET: readonly DemoInstance[] = [
  { name: 'demo-hq-1', role: 'healthy all along: the one to compare the others with', cronJobs: ['daily-digest'] },
  { name: 'demo-edge-2', role: 'its agent goes quiet, then comes back; later it drops off with the rack', cronJobs: ['daily-digest'] },
  { name: 'demo-gpu-3', role: 'model calls start failing, then the gateway goes down and comes back', cronJobs: ['daily-digest'] },
  { name: 'demo-cron-4', role: 'the nightly report fails and the heartbeat job stops, then both run again', cronJobs: ['daily-digest', 'nightly-report', 'heartbeat'] },
  { name: 'demo-spend-5', role: 'spend jumps: an expensive model takes over', cronJobs: ['daily-digest'] },
  { name: 'demo-exposed-6', role: 'its gateway is rebound to the LAN, then back to loopback', cronJobs: ['daily-digest'] },
  { name: 'demo-rack-7', role: 'shares a rack switch with demo-edge-2 and demo-rack-8', cronJobs: ['daily-digest'] },
  { name: 'demo-rack-8', role: 'shares a rack switch with demo-edge-2 and demo-rack-7', cronJobs: ['daily-digest'] },
];

const RACK = ['demo-edge-2', 'demo-rack-7', 'demo-rack-8'];

/** Beat times as [full, fast] seconds after the first push. */
const SCRIPT: readonly (Omit<Beat, 'at'> & { at: readonly [number, number] })[] = [
  { at: [10, 2], instances: ['demo-cron-4'], change: { reportFailing: true, heartbeatRunning: false }, narration: 'demo-cron-4: the nightly-report job fails (rate_limit) and the heartbeat job stops running' },
  { at: [10, 2], instances: ['demo-edge-2'], change: { syncing: false }, narration: 'demo-edge-2 stops syncing (its agent went quiet)' },
  { at: [20, 4], instances: ['demo-spend-5'], change: { spendJumped: true }, narration: 'demo-spend-5: spend jumps as anthropic/claude-opus-4-1 takes over' },
  { at: [20, 4], instances: ['demo-gpu-3'], change: { errorsSpiking: true }, narration: 'demo-gpu-3: most of its model calls start failing' },
  { at: [30, 4], instances: ['demo-exposed-6'], change: { bind: 'lan' }, narration: 'demo-exposed-6: the gateway is rebound from loopback to the LAN' },
  { at: [40, 6], instances: ['demo-gpu-3'], change: { gatewayLive: false }, narration: 'demo-gpu-3: the gateway stops answering its health check' },
  { at: [55, 10], instances: ['demo-cron-4'], change: { reportFailing: false, heartbeatRunning: true }, narration: 'demo-cron-4: both jobs run fine again' },
  { at: [60, 12], instances: ['demo-gpu-3'], change: { gatewayLive: true }, narration: 'demo-gpu-3: the gateway is back' },
  { at: [65, 14], instances: ['demo-exposed-6'], change: { bind: 'loopback' }, narration: 'demo-exposed-6: the gateway is bound to loopback again' },
  { at: [50, 16], instances: ['demo-edge-2'], change: { syncing: true }, narration: 'demo-edge-2 syncs again' },
  { at: [70, 18], instances: RACK, change: { syncing: false }, narration: 'the rack switch fails: demo-edge-2, demo-rack-7 and demo-rack-8 all stop syncing' },
  { at: [105, 32], instances: RACK, change: { syncing: true }, narration: 'the rack switch is back: all three sync again' },
];

const EXPECTED: readonly ScriptedEvent[] = [
  { instance: 'demo-edge-2', kind: 'stale', resolves: true, because: 'its agent went quiet, then came back' },
  { instance: 'demo-gpu-3', kind: 'error-spike', resolves: false, because: 'most of its model calls failed' },
  { instance: 'demo-gpu-3', kind: 'gateway-down', resolves: true, because: 'the gateway stopped answering, then came back' },
  { instance: 'demo-cron-4', kind: 'cron-failed', resolves: true, because: 'nightly-report failed, then ran fine' },
  { instance: 'demo-cron-4', kind: 'cron-missed', resolves: true, because: 'heartbeat stopped running, then ran again' },
  { instance: 'demo-spend-5', kind: 'cost-drift', resolves: false, because: 'an expensive model took over' },
  { instance: 'demo-exposed-6', kind: 'security', resolves: true, because: 'the gateway was bound to the LAN, then back to loopback' },
  { instance: 'demo-rack-7', kind: 'stale', resolves: true, because: 'the rack switch failed (one grouped alert for three instances)' },
  { instance: 'demo-rack-8', kind: 'stale', resolves: true, because: 'the rack switch failed (one grouped alert for three instances)' },
];

export function demoStory(pace: DemoPace): DemoStory {
  const fast = pace === 'fast';
  return {
    pace,
    instances: FLEET,
    beats: SCRIPT.map((beat) => ({ ...beat, at: beat.at[fast ? 1 : 0] })).sort((a, b) => a.at - b.at),
    expected: EXPECTED,
    pushEverySeconds: fast ? 2 : 5,
    agentIntervalSeconds: 10,
    staleGraceSeconds: fast ? 1 : 10,
    cronMissedGraceSeconds: fast ? 2 : 5,
    heartbeatEverySeconds: fast ? 2 : 5,
    endsAt: fast ? 36 : 120,
  };
}

/** Each instance's condition once every beat up to `elapsedSeconds` has happened. */
export function conditionsAt(story: DemoStory, elapsedSeconds: number): Map<string, Condition> {
  const conditions = new Map(story.instances.map((instance) => [instance.name, { ...CALM }]));
  for (const beat of story.beats) {
    if (beat.at > elapsedSeconds) break;
    for (const name of beat.instances) Object.assign(conditions.get(name)!, beat.change);
  }
  return conditions;
}

/** The beats that happen in (from, to]: what to announce as a push round crosses them. */
export function beatsBetween(story: DemoStory, from: number, to: number): Beat[] {
  return story.beats.filter((beat) => beat.at > from && beat.at <= to);
}
