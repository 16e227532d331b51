/**
 * `npm run demo`: the real service (web and worker in one process, the embedded database in a
 * throwaway data dir) and a simulated fleet that pushes through the real HTTP ingest with its own
 * sync tokens, playing the script in `story.ts`. Alerts print on the console as `npm start` prints
 * them, and go to any chat platform the environment configures.
 *
 * The demo's own settings (1 s ticks, a short stale grace, a refill of the per-token limit fast
 * enough for pushes every few seconds) are passed as configuration, the way an operator would
 * set them; nothing is written behind the ingest's back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpPost } from '../../agent/http-post.ts';
import { postSnapshot } from '../../agent/ingest-client.ts';
import type { Actor } from '../actor.ts';
import { loadConfig, type Config } from '../config.ts';
import { ConflictError } from '../errors.ts';
import { setThreshold } from '../events/thresholds.ts';
import { addInstance, removeInstance } from '../instances/instances.ts';
import { createLinkCode } from '../links/link-codes.ts';
import { createLogger } from '../logger.ts';
import { startService, type RunningService } from '../main.ts';
import { findWorkspace } from '../workspaces/workspaces.ts';
import { SimulatedInstance } from './simulated-instance.ts';
import { beatsBetween, conditionsAt, demoStory, type DemoPace, type DemoStory } from './story.ts';
import { judgeStory, readStoryOutcome } from './story-outcome.ts';

export interface DemoOptions {
  pace: DemoPace;
  /** Keep the data here instead of in a throwaway directory. */
  dataDir?: string;
  env: NodeJS.ProcessEnv;
  write(text: string): void;
  /** Aborted on Ctrl-C: the demo stops everything and returns. */
  signal: AbortSignal;
}

const DEMO_ACTOR: Actor = { id: 'demo', origin: 'cli' };

/** Plays the story; returns the exit code (0: every scripted event happened, or Ctrl-C after it). */
export async function runDemo(options: DemoOptions): Promise<number> {
  const story = demoStory(options.pace);
  const { write } = options;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'deepclaw-demo-')));
  let service: RunningService | undefined;
  try {
    const config = await demoConfig(options.env, dataDir, story);
    service = await startService({ config, logger: createLogger({ level: config.logLevel }), role: 'all' });
    const url = `http://${config.http.host}:${service.port}`;
    const tokens = await enrolFleet(service, story);
    const linkCode = config.slack || config.discord ? (await createLinkCode(service.database.orm.em.fork(), { workspace: await findWorkspace(service.database.orm.em.fork()), actor: DEMO_ACTOR })).code : undefined;
    write(introduction(story, { url, dataDir, throwaway: options.dataDir === undefined, linkCode }));

    const startedAt = new Date();
    const fleet = story.instances.map((instance) => new SimulatedInstance(instance, story, startedAt.getTime()));
    const endpoint = new URL('/v1/snapshots', url);
    let summarized = false;
    for (let round = 0; !options.signal.aborted; round++) {
      const elapsed = round * story.pushEverySeconds;
      await sleepUntil(startedAt.getTime() + elapsed * 1000, options.signal);
      if (options.signal.aborted) break;
      for (const beat of beatsBetween(story, elapsed - story.pushEverySeconds, elapsed)) write(`\n▶ +${beat.at} s  ${beat.narration}\n`);
      const conditions = conditionsAt(story, elapsed);
      await Promise.all(
        fleet
          .filter((instance) => conditions.get(instance.name)!.syncing)
          .map(async (instance) => {
            const { body } = instance.snapshotAt(Date.now(), conditions.get(instance.name)!);
            const outcome = await postSnapshot({ endpoint, token: tokens.get(instance.name)!, body, fetch: httpPost, nowMs: Date.now() });
            if (outcome.kind !== 'accepted') write(`! ${instance.name}: the push was not accepted: ${outcome.error.message}\n`);
          }),
      );
      if (!summarized && elapsed >= story.endsAt) {
        summarized = true;
        // The last pushes' evaluations and deliveries are immediate; give them a tick to land.
        await sleepUntil(Date.now() + 1500, options.signal);
        const outcome = await readStoryOutcome(service.database.orm.em.fork(), story.instances.map((i) => i.name), startedAt);
        const verdict = judgeStory(story, outcome, startedAt);
        write(`\n${verdict.lines.join('\n')}\n`);
        if (story.pace === 'fast') return verdict.missing.length === 0 ? 0 : 1;
        write(`\nThe fleet keeps syncing as it is now. Explore: /deepclaw status, /deepclaw status demo-gpu-3, /deepclaw cost demo-spend-5, /deepclaw ack <event id>. Ctrl-C stops everything.\n`);
      }
    }
    return 0;
  } finally {
    await service?.stop();
    if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
  }
}

async function demoConfig(env: NodeJS.ProcessEnv, dataDir: string, story: DemoStory): Promise<Config> {
  const { DATABASE_URL: _ignored, ...rest } = env;
  return loadConfig({
    ...rest,
    DEEPCLAW_DATA_DIR: dataDir,
    DEEPCLAW_TICK: '1s',
    // A burst still arrives as one message; the story's beats are seconds apart, not half a minute.
    DEEPCLAW_GROUP_WAIT: env.DEEPCLAW_GROUP_WAIT ?? '2s',
    DEEPCLAW_HELD_SETTLE: env.DEEPCLAW_HELD_SETTLE ?? '5s',
    DEEPCLAW_STALE_GRACE: `${story.staleGraceSeconds}s`,
    DEEPCLAW_RATE_LIMIT_REFILL: '1s',
    PORT: env.PORT ?? String(await freePort()),
    LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
    // The demo's alerts are its output, terminal or not (its test captures them from a pipe).
    DEEPCLAW_CONSOLE_ALERTS: env.DEEPCLAW_CONSOLE_ALERTS ?? 'stdout',
  });
}

/** Adds the fleet (replacing demo instances a kept data dir has from an earlier run) and returns their tokens. */
async function enrolFleet(service: RunningService, story: DemoStory): Promise<Map<string, string>> {
  const em = service.database.orm.em.fork();
  const workspace = await findWorkspace(em);
  await setThreshold(em, { workspace, name: 'cron-missed.grace', value: `${story.cronMissedGraceSeconds}s`, actor: DEMO_ACTOR });
  const tokens = new Map<string, string>();
  for (const { name } of story.instances) {
    const add = () => addInstance(em, { workspace, name, intervalSeconds: story.agentIntervalSeconds, actor: DEMO_ACTOR });
    let added;
    try {
      added = await add();
    } catch (error) {
      if (!(error instanceof ConflictError) || error.code !== 'duplicate_instance') throw error;
      await removeInstance(em, { workspace, name, actor: DEMO_ACTOR });
      added = await add();
    }
    tokens.set(name, added.token);
  }
  return tokens;
}

function introduction(story: DemoStory, where: { url: string; dataDir: string; throwaway: boolean; linkCode?: string }): string {
  const cast = story.instances.map((instance) => `  ${instance.name.padEnd(15)} ${instance.role}`);
  const schedule = story.beats.map((beat) => `  ${`in ~${beat.at} s`.padEnd(11)} ${beat.narration}`);
  return [
    `DeepClaw demo${story.pace === 'fast' ? ' (fast)' : ''}: the service is at ${where.url}, data in ${where.dataDir}${where.throwaway ? ' (removed when the demo stops)' : ''}.`,
    `${story.instances.length} simulated instances push snapshots every ${story.pushEverySeconds} s through the real ingest, each with its own sync token:`,
    ...cast,
    '',
    'What will happen:',
    ...schedule,
    `  ${`in ~${story.endsAt} s`.padEnd(11)} a summary of what opened and resolved`,
    '',
    'Alerts appear below as they open and resolve. Type /deepclaw status, /deepclaw status demo-gpu-3 or /deepclaw cost here while it plays.',
    ...(where.linkCode ? [`A chat platform is configured: type /deepclaw link ${where.linkCode} in a channel to get the demo's alerts there too.`] : []),
    '',
  ].join('\n');
}

function sleepUntil(atMs: number, signal: AbortSignal): Promise<void> {
  const delay = atMs - Date.now();
  if (delay <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, delay);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A port nobody listens on right now, so the URL can be printed (and put in install links) before the service starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
