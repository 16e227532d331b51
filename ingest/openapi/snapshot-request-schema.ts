/**
 * The JSON Schema (2020-12, the dialect of OpenAPI 3.1) of a `POST /v1/snapshots` body, generated
 * from the zod contract so the published schema cannot drift from what ingest enforces.
 *
 * zod turns types, bounds, enums and regexes into JSON Schema by itself, but drops refinements: a
 * function has no JSON Schema equivalent. The contract keeps several rules in refinements — the
 * calendar check on timestamps, and every rule of a usage bucket (one refinement instead of a check
 * per number, for speed) — so this module restates what JSON Schema can say of them and describes
 * the rest in words. What stays unsayable (real calendar dates, duplicate buckets or job ids) is
 * looser here than in ingest, never stricter: a body valid in ingest is always valid here.
 */
import { z } from 'zod';
import {
  isTimestamp,
  PROVIDER_MODEL,
  SNAPSHOT_COLLECTION_LIMITS,
  snapshotSchema,
  TIMESTAMP_PATTERN,
  TOP_OF_UTC_HOUR,
  USAGE_COUNTS,
  usageBucketSchema,
} from '../contract.ts';

export type JsonSchema = { [keyword: string]: unknown };

const TIMESTAMP_DESCRIPTION = 'ISO 8601 with seconds and a zone, like 2026-11-21T20:15:00Z; a real calendar date, year 1970 or later';
const COUNT = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

export function snapshotRequestSchema(): JsonSchema {
  const generated = z.toJSONSchema(snapshotSchema, {
    target: 'draft-2020-12',
    // The body is what the client sends: the contract's input side.
    io: 'input',
    override: ({ zodSchema, jsonSchema }) => {
      if (isTimestampSchema(zodSchema)) Object.assign(jsonSchema, { pattern: TIMESTAMP_PATTERN.source, description: TIMESTAMP_DESCRIPTION });
      if (zodSchema === usageBucketSchema) restateUsageBucketRules(jsonSchema);
    },
  }) as JsonSchema;
  // The document names its dialect once, at the top (`jsonSchemaDialect`).
  delete generated.$schema;
  limitMapSizes(generated);
  generated.description =
    'A snapshot of one gateway, deepclaw.snapshot/v1 (docs/snapshot-v1.md). Every object is strict. Also refused, though this schema cannot say so: ' +
    'a timestamp that is not a real calendar date, the same (hour, model) usage bucket or the same cron job id twice, and any string or key that looks like a credential, ' +
    'holds a NUL character or holds broken Unicode.';
  return generated;
}

/** A string with the contract's calendar refinement: the `timestamp` helper of ingest/contract.ts. */
function isTimestampSchema(schema: z.core.$ZodType): boolean {
  const checks = schema._zod.def.checks ?? [];
  return checks.some((check) => (check._zod.def as { fn?: unknown }).fn === isTimestamp);
}

/** The rules ingest/contract.ts checks in the usage bucket's one refinement, as JSON Schema. */
function restateUsageBucketRules(bucket: JsonSchema): void {
  const properties = bucket.properties as Record<string, JsonSchema>;
  Object.assign(properties.hour!, { pattern: TOP_OF_UTC_HOUR.source, description: 'the top of a UTC hour, like 2026-11-21T20:00:00Z' });
  Object.assign(properties.model!, { pattern: PROVIDER_MODEL.source, description: 'provider/model, like anthropic/claude-opus-4-6' });
  for (const key of USAGE_COUNTS) Object.assign(properties[key]!, COUNT);
  Object.assign(properties.costUsd!, { minimum: 0, maximum: 1_000_000_000, description: 'spend in US dollars' });
}

/**
 * A map's size limit is a refinement in the contract; the list of every collection's limit is
 * exported beside it (lists already carry `maxItems` from zod itself).
 */
function limitMapSizes(root: JsonSchema): void {
  for (const { path, max } of SNAPSHOT_COLLECTION_LIMITS) {
    let node: JsonSchema | undefined = root;
    for (const part of path) node = (node?.properties as Record<string, JsonSchema> | undefined)?.[part];
    if (node?.type === 'object') node.maxProperties = max;
  }
}
