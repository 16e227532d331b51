import type { IncomingMessage } from 'node:http';
import { IngestError } from './ingest-error.ts';

/**
 * The request body as text, refusing more than `maxBytes` while it is still arriving: a 50 MB
 * upload is cut off after the first `maxBytes`, never buffered whole.
 */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    new IngestError(413, 'payload_too_large', `the snapshot is larger than ${Math.floor(maxBytes / 1024)} KiB; send fewer usage rows or cron jobs`);
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, received).toString('utf8');
}
