/**
 * `npm run docs:api` writes the API descriptions to docs/openapi.json and docs/asyncapi.json;
 * `npm run lint:api` (part of `npm run lint`) checks them (scripts/api-lint.ts) and that the copies in
 * docs/ are those the code generates now.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { buildAsyncApi } from '../src/http/asyncapi.js';
import { buildOpenApi } from '../src/http/openapi.js';
import { lintAsyncApi, lintOpenApi } from './api-lint.js';

const write = process.argv.includes('--write');
const documents = [
  { file: new URL('../docs/openapi.json', import.meta.url), doc: buildOpenApi() },
  { file: new URL('../docs/asyncapi.json', import.meta.url), doc: buildAsyncApi() },
];

const problems = [...(await lintOpenApi(documents[0]!.doc)), ...lintAsyncApi(documents[1]!.doc)];
for (const { file, doc } of documents) {
  const options = await resolveConfig(fileURLToPath(file));
  const text = await format(JSON.stringify(doc), { ...options, parser: 'json' });
  if (write) {
    await writeFile(file, text);
    console.log(`wrote ${file.pathname}`);
  } else if ((await readFile(file, 'utf8').catch(() => '')) !== text) {
    problems.push(`${file.pathname} is not what the code generates: run npm run docs:api`);
  }
}
for (const p of problems) console.error(p);
if (problems.length > 0) process.exit(1);
console.log('API descriptions: OpenAPI 3.1 and AsyncAPI 3.0 valid');
