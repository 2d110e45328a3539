import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A scratch directory for routes files, removed after the test file. `write`
 * puts text in a file there (a later write replaces it, as an operator's edit
 * would) and returns its path.
 */
export function useRoutesFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'portico-routes-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    write: (name: string, text: string): string => {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
  };
}

/** A routes file's `upstreams` block for the harness's four fakes and any extra ones. */
export function upstreamsYaml(urls: Record<string, string | readonly string[]>): string {
  return Object.entries(urls)
    .map(([name, url]) =>
      typeof url === 'string'
        ? `  ${name}:\n    url: ${url}`
        : `  ${name}:\n    urls:\n${url.map((u) => `      - ${u}`).join('\n')}`,
    )
    .join('\n');
}
