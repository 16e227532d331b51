import type { IncomingMessage } from 'node:http';
import { DeepClawError } from '../bot/errors.ts';
import { IngestError } from './ingest-error.ts';

/**
 * The client went away before its body arrived: a reset, an abort, or a slow drip cut off by the
 * server's request timeout. Its own failure, never a sign that storage is down.
 */
export class ClientAbortedError extends DeepClawError {
  constructor(cause: Error) {
    super('client_aborted', `the client closed the connection before sending the whole body (${cause.message})`);
    this.cause = cause;
  }
}

/**
 * The request body as bytes, refusing more than `maxBytes` while it is still arriving: a 50 MB
 * upload is cut off after the first `maxBytes`, never buffered whole. Plain 'data'/'end' events
 * rather than `for await`, whose async-iterator machinery costs more than the read on the hot path.
 */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = () =>
    new IngestError(413, 'payload_too_large', `the snapshot is larger than ${Math.floor(maxBytes / 1024)} KiB; send fewer usage rows or cron jobs`);
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        cleanup();
        request.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, received));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new ClientAbortedError(error));
    };
    // A connection closed before 'end' without an 'error' (older clients, proxies) is an abort too.
    const onClose = () => {
      if (request.complete) return;
      cleanup();
      reject(new ClientAbortedError(new Error('connection closed')));
    };
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}
