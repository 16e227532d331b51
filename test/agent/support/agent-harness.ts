/**
 * Runs the agent's real code in-process against a state directory, with the clock pinned and the
 * outside world on loopback: a fake OpenClaw gateway (healthz/readyz answers recorded from the
 * real releases), and ports known to be closed.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { emptyState, type AgentState } from '../../../agent/agent-state.ts';
import type { Clock } from '../../../agent/clock.ts';
import { collectSnapshot, type Collected } from '../../../agent/collect-snapshot.ts';
import { FIXTURE_NOW, fixtureFile, tempDir, type FixtureVersion } from './openclaw-fixtures.ts';

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface FakeGateway {
  port: number;
  requests: string[];
  close(): Promise<void>;
}

/** Serves what a real gateway of `version` answered on /healthz and /readyz. */
export async function startFakeGateway(version: FixtureVersion, override?: { readyzStatus?: number; readyz?: unknown; hang?: boolean }): Promise<FakeGateway> {
  const healthz = readFileSync(fixtureFile(version, 'cli-out', 'http-healthz.json'), 'utf8');
  const readyz = override?.readyz !== undefined ? JSON.stringify(override.readyz) : readFileSync(fixtureFile(version, 'cli-out', 'http-readyz.json'), 'utf8');
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    if (override?.hang) return; // accepts and never answers
    const body = request.url === '/healthz' ? healthz : request.url === '/readyz' ? readyz : '{"error":"not found"}';
    const status = request.url === '/readyz' ? (override?.readyzStatus ?? 200) : request.url === '/healthz' ? 200 : 404;
    response.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A clock that starts at `startMs` and whose sleeps pass instantly (and are recorded). */
export function fakeClock(startMs = FIXTURE_NOW): Clock & { sleeps: number[]; advance(ms: number): void } {
  let now = startMs;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    async sleep(ms, signal) {
      if (signal?.aborted) return;
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** The agent's collect step on `stateDir` at the fixtures' time, with no gateway unless given. */
export async function collect(
  stateDir: string,
  options: {
    state?: AgentState;
    nowMs?: number;
    gatewayPort?: number;
    env?: NodeJS.ProcessEnv;
    busyTimeoutMs?: number;
    scanBufferBytes?: number;
    securityAudit?: boolean;
  } = {},
): Promise<Collected> {
  const gatewayPort = options.gatewayPort ?? (await closedPort());
  return collectSnapshot({
    openclawDir: stateDir,
    env: { PATH: '', OPENCLAW_GATEWAY_PORT: String(gatewayPort), ...options.env },
    intervalSeconds: 300,
    nowMs: () => options.nowMs ?? FIXTURE_NOW,
    state: options.state ?? emptyState(),
    busyTimeoutMs: options.busyTimeoutMs ?? 50,
    gatewayTimeoutMs: 500,
    scanBufferBytes: options.scanBufferBytes,
    securityAudit: options.securityAudit,
  });
}

/**
 * An npm-style OpenClaw install in a temporary prefix: `bin/openclaw` links to a package whose
 * package.json names `version`, and the executable answers `security audit --json` with what the
 * real release printed. Returns the bin directory, for PATH.
 */
export function fakeOpenClawInstall(version: FixtureVersion): string {
  const prefix = tempDir('openclaw-install-');
  const packageDir = join(prefix, 'lib', 'node_modules', 'openclaw');
  mkdirSync(packageDir, { recursive: true });
  writeFileSync(join(packageDir, 'package.json'), JSON.stringify({ name: 'openclaw', version }));
  const audit = fixtureFile(version, 'cli-out', 'security-audit.json');
  writeFileSync(
    join(packageDir, 'openclaw.sh'),
    `#!/bin/sh\nPATH=/usr/bin:/bin\ncase "$*" in\n  "security audit --json") cat '${audit}'; exit 1 ;;\n  "--version") echo "OpenClaw ${version}" ;;\n  *) exit 2 ;;\nesac\n`,
    { mode: 0o755 },
  );
  mkdirSync(join(prefix, 'bin'));
  symlinkSync(join(packageDir, 'openclaw.sh'), join(prefix, 'bin', 'openclaw'));
  return join(prefix, 'bin');
}
