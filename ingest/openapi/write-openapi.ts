/**
 * `npm run openapi`: rewrites docs/openapi.yaml from the zod contract and the route's answers
 * (snapshot-openapi.ts beside this file). snapshot-openapi.test.ts fails until the file is rewritten.
 */
import { writeFileSync } from 'node:fs';
import { snapshotOpenApiYaml } from './snapshot-openapi.ts';

export const OPENAPI_DOCUMENT_URL = new URL('../../docs/openapi.yaml', import.meta.url);

if (import.meta.main) {
  writeFileSync(OPENAPI_DOCUMENT_URL, snapshotOpenApiYaml());
  console.log('wrote docs/openapi.yaml');
}
