/**
 * Liveness and readiness of the local OpenClaw gateway: `GET /healthz` and `GET /readyz` on its
 * loopback port, both at once, each given at most `timeoutMs` (2 s). A gateway that is down,
 * hangs or answers garbage is data for the snapshot (`live: false`), never an agent failure.
 *
 * Plain node:http(s) rather than fetch: a gateway with `gateway.tls.enabled` serves a self-signed
 * certificate, which is fine to accept for a health check of our own loopback.
 */
import * as http from 'node:http';
import { safeToken } from './openclaw/values.ts';

export const GATEWAY_PROBE_TIMEOUT_MS = 2000;
const MAX_BODY_BYTES = 64 * 1024;

export interface GatewayHealth {
  live: boolean;
  ready?: boolean;
  /** Readiness checks the gateway reports as failing. */
  failing: string[];
  uptimeMs?: number;
  eventLoopDelayP99Ms?: number;
}

interface ProbeAnswer {
  status: number;
  body?: Record<string, unknown>;
}

export async function probeGateway(options: { host?: string; port: number; tls?: boolean; timeoutMs?: number }): Promise<GatewayHealth> {
  const host = options.host ?? '127.0.0.1';
  const timeoutMs = options.timeoutMs ?? GATEWAY_PROBE_TIMEOUT_MS;
  const [health, readiness] = await Promise.all([
    get({ ...options, host, timeoutMs }, '/healthz'),
    get({ ...options, host, timeoutMs }, '/readyz'),
  ]);
  const live = (health !== undefined && health.status >= 200 && health.status < 300) || readiness !== undefined;
  const result: GatewayHealth = { live, failing: [] };
  if (!readiness) return result;
  if (readiness.status === 200) result.ready = true;
  else if (readiness.status === 503 || readiness.body?.ready === false) result.ready = false;
  const body = readiness.body;
  if (Array.isArray(body?.failing)) {
    for (const check of body.failing) {
      const name = safeToken(typeof check === 'string' ? check : (check as { name?: unknown } | null)?.name, 64);
      if (name && !result.failing.includes(name)) result.failing.push(name);
    }
  }
  const uptime = body?.uptimeMs;
  if (typeof uptime === 'number' && Number.isFinite(uptime) && uptime >= 0) result.uptimeMs = Math.round(uptime);
  const delay = (body?.eventLoop as { delayP99Ms?: unknown } | undefined)?.delayP99Ms;
  if (typeof delay === 'number' && Number.isFinite(delay) && delay >= 0 && delay <= 3_600_000) result.eventLoopDelayP99Ms = delay;
  return result;
}

async function get(options: { host: string; port: number; tls?: boolean; timeoutMs: number }, path: string): Promise<ProbeAnswer | undefined> {
  // TLS is loaded only for a gateway that uses it: it costs memory every other host would waste.
  const client = options.tls ? await import('node:https') : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: ProbeAnswer | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      request.destroy();
      resolve(answer);
    };
    const request = client.request(
      {
        host: options.host,
        port: options.port,
        path,
        method: 'GET',
        headers: { accept: 'application/json' },
        rejectUnauthorized: false,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_BODY_BYTES) chunks.push(chunk);
        });
        response.on('end', () => finish({ status: response.statusCode ?? 0, body: parseBody(Buffer.concat(chunks)) }));
        response.on('error', () => finish(undefined));
      },
    );
    // One deadline for connect + answer + body: a gateway that accepts and stalls is down too.
    const deadline = setTimeout(() => finish(undefined), options.timeoutMs);
    request.on('error', () => finish(undefined));
    request.end();
  });
}

function parseBody(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
