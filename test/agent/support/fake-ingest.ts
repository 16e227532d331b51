/**
 * A stand-in for DeepClaw's POST /v1/snapshots on 127.0.0.1: records every request and answers
 * from a script (status, body, headers), then 202 once the script runs out. For the agent's own
 * error handling; the real ingest is exercised in agent-ingest.e2e.test.ts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeIngest {
  url: string;
  requests: RecordedRequest[];
  /** Answers for the next requests, in order. */
  script(...answers: ScriptedAnswer[]): void;
  /** The server's clock for the 202 answer (default: real time). */
  serverTime?: () => number;
  /** Called after each request is recorded. */
  onRequest?: (request: RecordedRequest) => void;
  close(): Promise<void>;
}

export async function startFakeIngest(): Promise<FakeIngest> {
  const queue: ScriptedAnswer[] = [];
  const fake: FakeIngest = {
    url: '',
    requests: [],
    script: (...answers) => void queue.push(...answers),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const recorded = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body };
      fake.requests.push(recorded);
      fake.onRequest?.(recorded);
      const now = fake.serverTime?.() ?? Date.now();
      const answer = queue.shift() ?? {
        status: 202,
        body: { accepted: true, nextSyncBefore: new Date(now + 600_000).toISOString(), serverTime: new Date(now).toISOString() },
      };
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
