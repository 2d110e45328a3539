// Generates TypeScript types from every openapi/*.yaml into src/generated/.
// `--check` regenerates in memory and fails when the committed files differ (CI drift check).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';

const root = new URL('..', import.meta.url).pathname;
const outDir = join(root, 'src', 'generated');
const check = process.argv.includes('--check');
const drifted = [];

for (const file of readdirSync(root)
  .filter((f) => f.endsWith('.yaml'))
  .sort()) {
  const name = basename(file, '.yaml');
  const ast = await openapiTS(new URL(`file://${join(root, file)}`), { alphabetize: true });
  const header = `// Generated from openapi/${file} by openapi/scripts/gen.mjs. Do not edit.\n\n`;
  const contents = header + astToString(ast);
  const target = join(outDir, `${name}.ts`);
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current === contents) continue;
  if (check) drifted.push(target);
  else writeFileSync(target, contents);
}

if (drifted.length > 0) {
  console.error(`Generated types are out of date; run \`npm run gen\`:\n  ${drifted.join('\n  ')}`);
  process.exit(1);
}
console.log(check ? 'generated types are up to date' : 'generated types written');
