/**
 * POST /discord/interactions, Discord's HTTP transport. Order, top to bottom: read the raw body
 * (bounded), verify its Ed25519 signature against the raw bytes, refuse a stale or replayed
 * signature, parse, then hand the interaction to the handler and answer Discord with its initial
 * response. Whatever the handler does after that (completing a deferred answer, follow-ups) goes
 * through the interaction webhook once this response has been sent.
 *
 * Discord checks the endpoint when it is saved in the developer portal: a PING signed correctly
 * must get PONG, and one signed wrongly must get 401 — so every refusal here is a 401.
 */
import type { KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIInteraction, APIInteractionResponse } from 'discord-api-types/v10';
import type { Middleware } from 'koa';
import type { Logger } from '../../bot/logger.ts';
import type { InteractionHandler } from './interaction-handler.ts';
import { verifyDiscordSignature } from './verify-signature.ts';

/** Interactions carry the message a button sat on; 1 MiB is generous. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface InteractionsEndpointOptions {
  publicKey: KeyObject;
  handler: InteractionHandler;
  logger: Logger;
  clock: () => Date;
  /** False when the signature was seen before (a replay): the request is refused. */
  isFirstSighting(signature: string, now: Date): Promise<boolean>;
}

export interface InteractionsEndpoint {
  middleware: Middleware;
  /** Resolves when work still going on after the answer (deferred commands) has finished. */
  settled(): Promise<void>;
}

export function interactionsEndpoint(options: InteractionsEndpointOptions): InteractionsEndpoint {
  const { logger, clock, handler } = options;
  const inFlight = new Set<Promise<void>>();

  const middleware: Middleware = async (ctx) => {
    const refuse = (status: number, error: string, message: string) => {
      ctx.status = status;
      ctx.body = { error, message };
    };
    const raw = await readRaw(ctx.req, MAX_BODY_BYTES);
    if (raw === 'aborted') {
      logger.info({ requestId: ctx.state.requestId, reason: 'client_aborted' }, 'a Discord request was cut off by the client before its body arrived');
      return refuse(400, 'client_aborted', 'the client closed the connection before the body arrived');
    }
    if (raw === undefined) return refuse(413, 'payload_too_large', `Discord interactions are at most ${MAX_BODY_BYTES} bytes`);
    const now = clock();
    const signature = ctx.get('x-signature-ed25519') || undefined;
    const check = verifyDiscordSignature({
      publicKey: options.publicKey,
      rawBody: raw,
      timestamp: ctx.get('x-signature-timestamp') || undefined,
      signature,
      nowMilliseconds: now.getTime(),
    });
    if (check !== 'ok') {
      logger.warn({ requestId: ctx.state.requestId, reason: check }, 'refused a Discord request: signature check failed');
      return refuse(401, 'invalid_signature', 'the Discord signature is missing, stale or wrong');
    }
    if (!(await options.isFirstSighting(signature!, now))) {
      logger.warn({ requestId: ctx.state.requestId }, 'refused a Discord request: a replay of one already handled');
      return refuse(401, 'replayed_request', 'this signed Discord request was already handled');
    }
    let interaction: APIInteraction;
    try {
      interaction = JSON.parse(raw.toString('utf8')) as APIInteraction;
    } catch {
      return refuse(400, 'malformed_body', 'the Discord request body is not JSON');
    }

    let answer!: (response: APIInteractionResponse) => void;
    const answered = new Promise<APIInteractionResponse>((resolve) => (answer = resolve));
    let markSent!: () => void;
    const sent = new Promise<void>((resolve) => (markSent = resolve));
    const work: Promise<void> = handler
      .handle(interaction, (response) => {
        answer(response);
        return sent;
      })
      .catch((error: unknown) => logger.error({ err: error, requestId: ctx.state.requestId }, 'a Discord interaction failed'))
      .finally(() => {
        // An interaction that never answered must not leave its follow-ups waiting.
        markSent();
        inFlight.delete(work);
      });
    inFlight.add(work);
    const response = await Promise.race([answered, work.then(() => undefined)]);
    if (!response) return refuse(500, 'no_response', 'DeepClaw could not answer this interaction; the service log has the details');
    // Follow-ups may only reach Discord after it has this answer.
    ctx.res.once('finish', markSent);
    ctx.res.once('close', markSent);
    ctx.status = 200;
    ctx.body = response;
  };

  return {
    middleware,
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

/** The raw body, undefined past `maxBytes` (the rest is not read), or 'aborted' when the client went away. */
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
    request.once('error', () => resolve('aborted'));
    request.once('close', () => {
      if (!request.complete) resolve('aborted');
    });
  });
}
