// Fails when a spec breaks what was published: compares every openapi/published/<spec>.yaml
// (the specs as last released) with openapi/<spec>.yaml and lists each change a client
// written against the published one would trip over (spec-diff.mjs). `--publish` copies the
// current specs into published/ (a release does that, in a reviewed commit).
//   node openapi/scripts/breaking-changes.mjs [--published <dir>] [--current <dir>] [--publish]
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { breakingChanges } from './spec-diff.mjs';

/** @param {string} dir @returns {string[]} */
const specsIn = (dir) =>
  readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .sort();

/** @param {string} file */
const load = (file) => parse(readFileSync(file, 'utf8'));

function main() {
  const root = new URL('..', import.meta.url).pathname;
  const { values } = parseArgs({
    options: {
      published: { type: 'string', default: join(root, 'published') },
      current: { type: 'string', default: root },
      publish: { type: 'boolean', default: false },
    },
  });
  const { published, current } = values;
  if (values.publish) {
    mkdirSync(published, { recursive: true });
    for (const file of specsIn(current)) copyFileSync(join(current, file), join(published, file));
    console.log(`published ${specsIn(current).join(', ')} to ${published}`);
    return;
  }
  let failed = false;
  for (const file of specsIn(published)) {
    const currentFile = join(current, file);
    const problems = readdirSync(current).includes(file)
      ? breakingChanges(load(join(published, file)), load(currentFile))
      : ['the whole spec was removed'];
    for (const problem of problems) console.error(`${file}: ${problem}`);
    failed ||= problems.length > 0;
  }
  if (failed) {
    console.error(
      'Breaking changes to a published API: add a new version beside it instead (CONTRIBUTING.md, "Versioning an API").',
    );
    process.exit(1);
  }
  console.log(`no breaking changes against ${specsIn(published).join(', ')}`);
}

if (process.argv[1] === new URL(import.meta.url).pathname) main();
