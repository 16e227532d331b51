/**
 * The agent's default `fetch`: the one request it makes (a POST of a small JSON body, no
 * redirects followed), on node:http / node:https. Node's global fetch would do, but it loads
 * undici — a megabyte of JavaScript and its own memory — on a host whose gateway we are trying
 * not to crowd. Anything fetch-shaped can be injected instead (tests pass globalThis.fetch).
 */
import * as http from 'node:http';

export interface PostInit {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  redirect: 'manual';
  signal?: AbortSignal;
}

export interface HttpAnswer {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export type Fetch = (url: URL, init: PostInit) => Promise<HttpAnswer>;

const MAX_ANSWER_BYTES = 1024 * 1024;

export const httpPost: Fetch = async (url, init) => {
  const client = url.protocol === 'https:' ? await import('node:https') : http;
  return new Promise<HttpAnswer>((resolve, reject) => {
    const body = Buffer.from(init.body, 'utf8');
    const request = client.request(
      url,
      { method: init.method, headers: { ...init.headers, 'content-length': String(body.length) }, signal: init.signal },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: response.statusCode ?? 0,
            headers: {
              get: (name) => {
                const value = response.headers[name.toLowerCase()];
                return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
              },
            },
            text: async () => text,
          });
        });
      },
    );
    request.on('error', (error) => reject(init.signal?.aborted ? Object.assign(new Error('timed out'), { name: (init.signal.reason as Error | undefined)?.name ?? 'AbortError' }) : error));
    request.end(body);
  });
};
