/**
 * A JSON Schema 2020-12 validator for the keywords docs/openapi.yaml uses, so a test can hold the
 * published schema against the zod contract without adding a validator dependency. A keyword it
 * does not know is an error, never ignored: a schema that grew a new keyword must grow it here,
 * instead of quietly being checked less.
 */
import { isDeepStrictEqual } from 'node:util';

type Schema = { [keyword: string]: unknown };

/** Keywords that only describe, and never refuse a value (`format` is an annotation in 2020-12). */
const ANNOTATIONS = new Set(['description', 'summary', 'title', 'format', 'examples', 'example']);

/** The places where `value` breaks `schema`, as `path: what` lines; empty when it conforms. */
export function jsonSchemaViolations(schema: Schema, value: unknown, root: Schema = schema, path = '$'): string[] {
  const found: string[] = [];
  const fail = (what: string) => found.push(`${path}: ${what}`);
  for (const [keyword, rule] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    switch (keyword) {
      case '$ref':
        found.push(...jsonSchemaViolations(resolve(root, rule as string), value, root, path));
        break;
      case 'oneOf': {
        const passing = (rule as Schema[]).filter((option) => jsonSchemaViolations(option, value, root, path).length === 0).length;
        if (passing !== 1) fail(`matches ${passing} of the oneOf options, not exactly one`);
        break;
      }
      case 'type':
        if (!hasType(value, rule as string)) fail(`expected ${rule}`);
        break;
      case 'const':
        if (!isDeepStrictEqual(value, rule)) fail(`expected ${JSON.stringify(rule)}`);
        break;
      case 'enum':
        if (!(rule as unknown[]).some((option) => isDeepStrictEqual(value, option))) fail(`expected one of ${JSON.stringify(rule)}`);
        break;
      case 'pattern':
        if (typeof value === 'string' && !new RegExp(rule as string, 'u').test(value)) fail(`does not match ${rule}`);
        break;
      case 'minLength':
      case 'maxLength':
        // JSON Schema counts code points, not UTF-16 units.
        if (typeof value === 'string' && !withinBound(keyword, [...value].length, rule as number)) fail(`${keyword} ${rule}`);
        break;
      case 'minimum':
      case 'maximum':
        if (typeof value === 'number' && !withinBound(keyword, value, rule as number)) fail(`${keyword} ${rule}`);
        break;
      case 'minItems':
      case 'maxItems':
        if (Array.isArray(value) && !withinBound(keyword, value.length, rule as number)) fail(`${keyword} ${rule}`);
        break;
      case 'maxProperties':
        if (isObject(value) && Object.keys(value).length > (rule as number)) fail(`maxProperties ${rule}`);
        break;
      case 'required':
        if (isObject(value)) for (const name of rule as string[]) if (!(name in value)) fail(`missing ${name}`);
        break;
      case 'properties':
        if (isObject(value)) {
          for (const [name, property] of Object.entries(rule as Record<string, Schema>)) {
            if (name in value) found.push(...jsonSchemaViolations(property, value[name], root, `${path}.${name}`));
          }
        }
        break;
      case 'additionalProperties':
        if (isObject(value)) {
          const declared = (schema.properties ?? {}) as Record<string, unknown>;
          for (const name of Object.keys(value).filter((key) => !(key in declared))) {
            if (rule === false) fail(`unknown property ${JSON.stringify(name)}`);
            else found.push(...jsonSchemaViolations(rule as Schema, value[name], root, `${path}.${name}`));
          }
        }
        break;
      case 'propertyNames':
        if (isObject(value)) for (const name of Object.keys(value)) found.push(...jsonSchemaViolations(rule as Schema, name, root, `${path}{${name}}`));
        break;
      case 'items':
        if (Array.isArray(value)) value.forEach((item, i) => found.push(...jsonSchemaViolations(rule as Schema, item, root, `${path}[${i}]`)));
        break;
      default:
        throw new Error(`${path}: the keyword "${keyword}" is not supported by test/support/json-schema-subset.ts; add it there`);
    }
  }
  return found;
}

function resolve(root: Schema, pointer: string): Schema {
  if (!pointer.startsWith('#/')) throw new Error(`only local references are supported, not ${pointer}`);
  let node: unknown = root;
  for (const part of pointer.slice(2).split('/')) node = (node as Schema | undefined)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  if (!isObject(node)) throw new Error(`${pointer} points at nothing`);
  return node;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

function withinBound(keyword: string, actual: number, bound: number): boolean {
  return keyword.startsWith('min') ? actual >= bound : actual <= bound;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
