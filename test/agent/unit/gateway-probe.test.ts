/** The gateway health probe against real loopback servers: up, not ready, hanging, gone. */
import { afterEach, describe, expect, it } from 'vitest';
import { probeGateway } from '../../../agent/gateway-probe.ts';
import { closedPort, startFakeGateway, type FakeGateway } from '../support/agent-harness.ts';

describe('probeGateway', () => {
  let gateway: FakeGateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('reads liveness, readiness, uptime and event-loop delay', async () => {
    gateway = await startFakeGateway('2026.9.6');
    expect(await probeGateway({ port: gateway.port })).toEqual({ live: true, ready: true, failing: [], uptimeMs: 3042, eventLoopDelayP99Ms: 110 });
  });

  it('reports a gateway that is up but not ready, with its failing checks', async () => {
    gateway = await startFakeGateway('2026.9.6', { readyzStatus: 503, readyz: { ready: false, failing: ['channels', { name: 'event-loop' }, 'has spaces!'], uptimeMs: 5 } });
    expect(await probeGateway({ port: gateway.port })).toEqual({ live: true, ready: false, failing: ['channels', 'event-loop'], uptimeMs: 5 });
  });

  it('reports a gateway that accepts connections but never answers as down, within the timeout', async () => {
    gateway = await startFakeGateway('2026.9.6', { hang: true });
    const started = Date.now();
    expect(await probeGateway({ port: gateway.port, timeoutMs: 200 })).toEqual({ live: false, failing: [] });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('reports a stopped gateway as down', async () => {
    expect(await probeGateway({ port: await closedPort() })).toEqual({ live: false, failing: [] });
  });
});
