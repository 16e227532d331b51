import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPENAPI_DOCUMENT_URL } from './write-openapi.ts';
import { documentedExampleSnapshot, snapshotOpenApiDocument, snapshotOpenApiYaml } from './snapshot-openapi.ts';
import { jsonSchemaViolations } from '../../test/support/json-schema-subset.ts';
import { buildSnapshot } from '../../test/support/snapshot-factory.ts';
import { anyJson, mutate, strangeNumber, strangeString } from '../../test/support/snapshot-mutations.ts';
import { snapshotSchema, type IngestErrorBody, type SnapshotAccepted } from '../contract.ts';

type Node = Record<string, any>;

const document = snapshotOpenApiDocument() as Node;
const operation = document.paths['/v1/snapshots'].post as Node;
const requestSchema = document.components.schemas.Snapshot as Node;
const acceptedByPublishedSchema = (value: unknown) => jsonSchemaViolations(requestSchema, value, document).length === 0;
const acceptedByContract = (value: unknown) => snapshotSchema.safeParse(value).success;
const fixture = () => JSON.parse(JSON.stringify(buildSnapshot({ hours: 3, cronJobs: 2 })));

/** Every answer of ingest/routes/snapshots.ts (and its error boundary), by status and `error` code. */
const ANSWERS: Record<string, string[]> = {
  '202': [],
  '400': ['malformed_json', 'malformed_utf8', 'client_aborted'],
  '401': ['missing_token', 'malformed_token', 'bad_token_checksum', 'unknown_token', 'revoked_token', 'expired_token'],
  '413': ['payload_too_large'],
  '415': ['unsupported_media_type'],
  '422': ['schema_violation', 'secret_detected'],
  '429': ['rate_limited', 'too_many_failures'],
  '500': ['internal_error'],
  '503': ['storage_unavailable'],
};

describe('docs/openapi.yaml', () => {
  it('is what npm run openapi generates from the contract', () => {
    const committed = readFileSync(OPENAPI_DOCUMENT_URL, 'utf8');
    expect(committed === snapshotOpenApiYaml(), 'docs/openapi.yaml is out of date with ingest/contract.ts or ingest/openapi/: run npm run openapi').toBe(true);
  });

  it('accepts the snapshots the contract accepts: a test fixture and the documented example', () => {
    for (const snapshot of [fixture(), documentedExampleSnapshot()]) {
      expect(acceptedByContract(snapshot)).toBe(true);
      expect(jsonSchemaViolations(requestSchema, snapshot, document)).toEqual([]);
    }
  });

  it.each<[string, (snapshot: Node) => void]>([
    ['an unknown top-level field', (s) => (s.prompt = 'hello')],
    ['an unknown field in a cron job', (s) => (s.cron[0].payload = 'send the report')],
    ['a missing required field', (s) => delete s.gateway],
    ['another contract version', (s) => (s.schema = 'deepclaw.snapshot/v2')],
    ['a snapshotId that is not a UUID', (s) => (s.snapshotId = 'snapshot-1')],
    ['a negative seq', (s) => (s.seq = -1)],
    ['a fractional seq', (s) => (s.seq = 1.5)],
    ['a timestamp without a zone', (s) => (s.sentAt = '2026-11-21T20:00:00')],
    ['an interval under 10 s', (s) => (s.agent.intervalSeconds = 9)],
    ['an unknown storage era', (s) => (s.gateway.storage = 'mongodb')],
    ['a usage hour that is not the top of an hour', (s) => (s.usage[0].hour = '2026-11-21T20:30:00Z')],
    ['a model without a provider', (s) => (s.usage[0].model = 'claude-opus-4-6')],
    ['a fractional token count', (s) => (s.usage[0].inputTokens = 1.5)],
    ['a negative cost', (s) => (s.usage[0].costUsd = -1)],
    ['an error reason in free text', (s) => (s.cron[0].lastErrorReason = 'Rate limit exceeded')],
    ['more than 64 channels', (s) => (s.sessions.byChannel = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`channel-${i}`, 1])))],
    ['a file mode that is not octal', (s) => (s.security.stateDirMode = '0789')],
  ])('refuses %s, as the contract does', (_, breakIt) => {
    const snapshot = fixture();
    breakIt(snapshot);
    expect(acceptedByContract(snapshot)).toBe(false);
    expect(jsonSchemaViolations(requestSchema, snapshot, document)).not.toEqual([]);
  });

  it('is never stricter than the contract: whatever ingest accepts, the published schema accepts', () => {
    const candidate = fc
      .record({
        path: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        replacement: fc.oneof(anyJson, strangeString, strangeNumber),
        remove: fc.boolean(),
      })
      .map(({ path, replacement, remove }) => mutate(fixture(), path, replacement, remove));
    fc.assert(
      fc.property(candidate, (value) => {
        if (acceptedByContract(value)) expect(jsonSchemaViolations(requestSchema, value, document)).toEqual([]);
      }),
      { numRuns: 2_000 },
    );
  });

  it('lists every status and error code the route answers with, and nothing else', () => {
    expect(Object.keys(operation.responses).sort()).toEqual(Object.keys(ANSWERS).sort());
    for (const [status, codes] of Object.entries(ANSWERS)) {
      const content = operation.responses[status].content['application/json'];
      expect(Object.keys(content.examples ?? {}), `examples of ${status}`).toEqual(codes);
      for (const code of codes) {
        const example = content.examples[code].value as IngestErrorBody;
        expect(example.error).toBe(code);
        expect(jsonSchemaViolations(content.schema, example, document), `example ${code}`).toEqual([]);
      }
    }
  });

  it('agrees with the table of answers in docs/snapshot-v1.md', () => {
    const doc = readFileSync(new URL('../../docs/snapshot-v1.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| (\d{3}) \| `([a-z0-9_]+)` \|/gm)].map(([, status, code]) => `${status} ${code}`);
    const published = Object.entries(ANSWERS).flatMap(([status, codes]) => codes.map((code) => `${status} ${code}`));
    expect(published.sort()).toEqual(documented.sort());
  });

  it('describes the 202 body ingest sends', () => {
    const answer: SnapshotAccepted = { accepted: true, nextSyncBefore: '2026-11-21T20:50:00.000Z', serverTime: '2026-11-21T20:40:00.000Z' };
    const schema = operation.responses['202'].content['application/json'].schema;
    expect(jsonSchemaViolations(schema, answer, document)).toEqual([]);
    expect(jsonSchemaViolations(schema, { ...answer, accepted: false }, document)).not.toEqual([]);
  });

  it('tells a client to wait Retry-After seconds on 429 and 503, and how to authenticate', () => {
    for (const status of ['429', '503']) expect(operation.responses[status].headers['Retry-After']).toEqual({ $ref: '#/components/headers/RetryAfter' });
    expect(operation.security).toEqual([{ syncToken: [] }]);
    expect(document.components.securitySchemes.syncToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.openapi).toBe('3.1.0');
  });
});
