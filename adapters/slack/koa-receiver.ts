/**
 * Bolt's HTTP transport, mounted in our Koa app at POST /slack/events instead of a server of
 * Bolt's own. Order, top to bottom: read the raw body (bounded), verify its signature against the
 * raw bytes, refuse a replayed signature, parse, answer Slack's url_verification and ssl_check,
 * then hand the event to Bolt (`processEvent`) and answer Slack as soon as the listener calls
 * `ack()` — within 3 seconds, by which Slack gives up. Listeners keep working after that and
 * answer through `response_url`.
 */
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';
import type { Logger } from '../../bot/logger.ts';
import { verifySlackSignature } from './verify-signature.ts';

/** Slack waits 3 s; answer a little before in case a listener never acks. */
const ACK_DEADLINE_MS = 2500;
/** Interactive payloads carry the whole message they came from; 1 MiB is generous. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface KoaReceiverOptions {
  signingSecret: string;
  logger: Logger;
  clock: () => Date;
  /** False when the signature was seen before (a replay): the request is refused. */
  isFirstSighting(signature: string, now: Date): Promise<boolean>;
}

export class KoaSlackReceiver implements Receiver {
  #app: App | undefined;
  readonly #options: KoaReceiverOptions;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(options: KoaReceiverOptions) {
    this.#options = options;
  }

  init(app: App): void {
    this.#app = app;
  }

  // The Koa server's lifecycle is the service's; nothing to start or stop here.
  async start(): Promise<void> {}

  async stop(): Promise<void> {
    await this.settled();
  }

  /** Resolves when every listener still working after its ack has finished (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  middleware(): Middleware {
    return async (ctx) => {
      const { logger, clock } = this.#options;
      // Slack sends slash commands and interactivity as forms, the Events API as JSON; nothing else.
      if (!ctx.is('application/x-www-form-urlencoded', 'application/json')) {
        ctx.status = 415;
        ctx.body = { error: 'unsupported_media_type', message: 'Slack requests are application/x-www-form-urlencoded or application/json' };
        return;
      }
      const raw = await readRaw(ctx.req, MAX_BODY_BYTES);
      if (raw === 'aborted') {
        // The client's own failure (a reset, a timeout on its side): nothing to answer, no error of ours.
        logger.info({ requestId: ctx.state.requestId, reason: 'client_aborted' }, 'a Slack request was cut off by the client before its body arrived');
        ctx.status = 400;
        ctx.body = { error: 'client_aborted', message: 'the client closed the connection before the body arrived' };
        return;
      }
      if (raw === undefined) {
        ctx.status = 413;
        ctx.body = { error: 'payload_too_large', message: `Slack requests are at most ${MAX_BODY_BYTES} bytes` };
        return;
      }
      const rawBody = raw.toString('utf8');
      const now = clock();
      const signature = ctx.get('x-slack-signature') || undefined;
      const check = verifySlackSignature({
        signingSecret: this.#options.signingSecret,
        rawBody,
        timestamp: ctx.get('x-slack-request-timestamp') || undefined,
        signature,
        nowMilliseconds: now.getTime(),
      });
      if (check !== 'ok') {
        logger.warn({ requestId: ctx.state.requestId, reason: check }, 'refused a Slack request: signature check failed');
        ctx.status = 401;
        ctx.body = { error: 'invalid_signature', message: 'the Slack signature is missing, stale or wrong' };
        return;
      }
      if (!(await this.#options.isFirstSighting(signature!, now))) {
        logger.warn({ requestId: ctx.state.requestId }, 'refused a Slack request: a replay of one already handled');
        ctx.status = 401;
        ctx.body = { error: 'replayed_request', message: 'this signed Slack request was already handled' };
        return;
      }
      let body: Record<string, unknown>;
      try {
        body = parseBody(rawBody, ctx.get('content-type'));
      } catch {
        ctx.status = 400;
        ctx.body = { error: 'malformed_body', message: 'the Slack request body could not be parsed' };
        return;
      }
      if (body.ssl_check === '1') {
        ctx.status = 200;
        ctx.body = '';
        return;
      }
      if (body.type === 'url_verification') {
        ctx.body = { challenge: body.challenge };
        return;
      }
      const app = this.#app;
      if (!app) throw new Error('the Slack receiver was mounted before its Bolt app was created');

      let answer!: (response: unknown) => void;
      const acked = new Promise<unknown>((resolve) => (answer = resolve));
      let isAcked = false;
      const event: ReceiverEvent = {
        body,
        ack: async (response?: unknown) => {
          if (isAcked) return;
          isAcked = true;
          answer(response);
        },
        retryNum: Number(ctx.get('x-slack-retry-num')) || undefined,
        retryReason: ctx.get('x-slack-retry-reason') || undefined,
      };
      const processing: Promise<void> = app
        .processEvent(event)
        .catch((error: unknown) => logger.error({ err: error, requestId: ctx.state.requestId }, 'a Slack listener failed'))
        .finally(() => this.#inFlight.delete(processing));
      this.#inFlight.add(processing);
      const deadline = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), ACK_DEADLINE_MS).unref());
      const response = await Promise.race([acked, processing.then(() => undefined), deadline]);
      if (response === 'late') logger.warn({ requestId: ctx.state.requestId }, 'a Slack listener did not ack within 2.5 s');
      ctx.status = 200;
      if (response === undefined || response === 'late' || response === '') ctx.body = '';
      else if (typeof response === 'string') ctx.body = response;
      else ctx.body = response;
    };
  }
}

function parseBody(rawBody: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return JSON.parse(rawBody) as Record<string, unknown>;
  const form = Object.fromEntries(new URLSearchParams(rawBody));
  // Interactivity (button clicks) posts a form with one field, `payload`, holding JSON.
  if (typeof form.payload === 'string') return JSON.parse(form.payload) as Record<string, unknown>;
  return form;
}

/** The raw body, or undefined past `maxBytes` (then the rest is not read). */
function readRaw(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined | 'aborted'> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.off('data', onData);
        request.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks, size)));
    // A reset arrives as 'error'; a plain close before the end (no 'error' at all) would otherwise
    // leave this promise, and the request, waiting forever.
    request.once('error', () => resolve('aborted'));
    request.once('close', () => {
      if (!request.complete) resolve('aborted');
    });
  });
}
