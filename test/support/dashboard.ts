/**
 * The real Koa app with the dashboard mounted, on a test database, with a clock the test moves;
 * and a small browser stand-in (cookies, Origin, the form token) to talk to it over real HTTP.
 */
import { Writable } from 'node:stream';
import { createDashboard, type Dashboard } from '../../adapters/web/dashboard.ts';
import type { DashboardRole } from '../../bot/dashboard/roles.ts';
import { issueSignInLink } from '../../bot/dashboard/sign-in-links.ts';
import { createLogger } from '../../bot/logger.ts';
import { findWorkspace } from '../../bot/workspaces/workspaces.ts';
import { createApp } from '../../ingest/app.ts';
import { createIngestDependencies } from '../../ingest/ingest-dependencies.ts';
import { createHttpMetrics } from '../../ingest/metrics.ts';
import { startHttpServer, type HttpServer } from '../../ingest/server.ts';
import { cli } from './cli.ts';
import type { TestDatabase } from './databases.ts';
import { TEST_INGEST_CONFIG } from './ingest-app.ts';
import type { Snapshot } from '../../ingest/contract.ts';

export interface DashboardApp {
  base: string;
  logs: string[];
  dashboard: Dashboard;
  server: HttpServer;
  now(): Date;
  setNow(date: Date): void;
  close(): Promise<void>;
}

export async function startDashboardApp(db: TestDatabase, options: { publicUrl?: string; now?: Date; chatAdmins?: string[]; liveCoalesceMs?: number } = {}): Promise<DashboardApp> {
  const logs: string[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk, _encoding, done) {
        logs.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    }),
  });
  let now = options.now;
  const clock = () => now ?? new Date();
  const dashboard = createDashboard({ orm: db.database.orm, logger, clock, publicUrl: options.publicUrl ?? 'http://deepclaw.test', chatAdmins: new Set(options.chatAdmins ?? []), liveCoalesceMs: options.liveCoalesceMs ?? 20 });
  const ingest = {
    ...(await createIngestDependencies(db.database.orm, { ...TEST_INGEST_CONFIG, rateLimitBurst: 10_000 })),
    onSnapshotStored: (id: string) => dashboard.live.snapshotsStored([id]),
  };
  const app = createApp({ orm: db.database.orm, logger, metrics: createHttpMetrics(), ingest, clock, dashboard: dashboard.routes });
  const server = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
  return {
    base: `http://127.0.0.1:${server.port}`,
    logs,
    dashboard,
    server,
    now: clock,
    setNow(date) {
      now = date;
    },
    async close() {
      dashboard.close();
      await server.close(1000);
    },
  };
}

export interface PageResponse {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

/** A browser stand-in: keeps the session cookie, sends Origin on POSTs, finds the form token on pages. */
export class TestBrowser {
  cookie: string | undefined;
  csrf: string | undefined;
  readonly base: string;
  /** What the browser sends as Origin on POSTs (a browser always sends its page's origin). */
  origin: string | undefined;

  constructor(base: string) {
    this.base = base;
    this.origin = base;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<PageResponse> {
    const response = await fetch(`${this.base}${path}`, { redirect: 'manual', headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...headers } });
    return this.read(response);
  }

  async post(path: string, fields: Record<string, string | string[]> = {}, options: { csrf?: string | null; origin?: string | null; headers?: Record<string, string> } = {}): Promise<PageResponse> {
    const form = new URLSearchParams();
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    if (csrf) form.set('_csrf', csrf);
    for (const [key, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) form.append(key, v);
    const origin = options.origin === undefined ? this.origin : options.origin;
    const response = await fetch(`${this.base}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(this.cookie ? { cookie: this.cookie } : {}), ...(origin ? { origin } : {}), ...options.headers },
      body: form.toString(),
    });
    return this.read(response);
  }

  /** Opens a sign-in link as a person does: the page, then its button. */
  async signIn(path: string): Promise<PageResponse> {
    await this.get(path);
    const answer = await this.post(path, {}, { csrf: null });
    if (answer.status === 303) await this.get('/');
    return answer;
  }

  private async read(response: Response): Promise<PageResponse> {
    const setCookie = response.headers.getSetCookie();
    for (const line of setCookie) {
      const [pair] = line.split(';');
      const [, value] = pair!.split('=');
      this.cookie = value ? pair : undefined;
    }
    const text = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text);
    if (token) this.csrf = token[1];
    return { status: response.status, headers: response.headers, text, location: response.headers.get('location') };
  }
}

/** A browser signed in to `workspace` with `role`, through a link issued by the core. */
export async function signedIn(app: DashboardApp, db: TestDatabase, input: { workspace?: string; role: DashboardRole; person?: string; name?: string }): Promise<TestBrowser> {
  const em = db.database.orm.em.fork();
  const workspace = await findWorkspace(em, input.workspace ?? 'default');
  const person = input.person ?? (input.role === 'admin' ? 'slack:UADMIN' : 'slack:UVIEWER');
  const link = await issueSignInLink(em, { workspace, role: input.role, actor: { id: person, origin: 'slack:T1/C1' }, personName: input.name ?? (input.role === 'admin' ? 'ada' : 'vic'), now: app.now() });
  const browser = new TestBrowser(app.base);
  const answer = await browser.signIn(link.path);
  if (answer.status !== 303) throw new Error(`sign-in failed: ${answer.status} ${answer.text.slice(0, 300)}`);
  return browser;
}

/** Adds an instance through the admin CLI; returns its sync token and id. */
export async function addInstance(db: TestDatabase, name: string, workspace = 'default'): Promise<{ name: string; token: string; id: string }> {
  const env = { env: { DATABASE_URL: db.url } };
  const added = await cli(['instance', 'add', name, '--workspace', workspace, '--json'], env);
  if (added.exitCode !== 0) throw new Error(added.stderr);
  const [row] = await db.database.orm.em.getConnection().execute<{ id: string }[]>('select i.id from instance i join workspace w on w.id = i.workspace_id where i.name = ? and w.name = ?', [name, workspace]);
  return { name, token: added.json().token, id: row!.id };
}

export async function pushSnapshot(app: DashboardApp, token: string, snapshot: Snapshot): Promise<number> {
  const response = await fetch(`${app.base}/v1/snapshots`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(snapshot) });
  if (response.status !== 202) throw new Error(`snapshot refused: ${response.status} ${await response.text()}`);
  return response.status;
}

/**
 * Usage older than a snapshot can carry (snapshots hold 48 hours): written as ingest writes it,
 * one cumulative row per (instance, hour, model). The one direct write the dashboard tests make.
 */
export async function seedUsage(db: TestDatabase, instanceId: string, rows: { hour: Date; model: string; costUsd: number; runs?: number; tokens?: number; errors?: number }[]): Promise<void> {
  for (const row of rows) {
    await db.database.orm.em.getConnection().execute(
      `insert into usage_hourly (instance_id, hour, model, runs, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, errors, missing_cost, updated_at)
       values (?, ?, ?, ?, ?, 0, 0, 0, ?, ?, 0, now())
       on conflict (instance_id, hour, model) do update set cost_usd = excluded.cost_usd, runs = excluded.runs, input_tokens = excluded.input_tokens, errors = excluded.errors`,
      [instanceId, row.hour, row.model, row.runs ?? 1, row.tokens ?? 1000, row.costUsd, row.errors ?? 0],
    );
  }
}
