import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildServices } from '../../e2e/test/support/processes.js';
import { type System, startSystem } from '../../e2e/test/support/system.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const npm = (args: string[], cwd: string) =>
  run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, timeout: 120_000 });

/** What another project writes: the packages as published, nothing of this repository. */
const CONSUMER = `import { createBrowserLogin, createPortico, unwrap } from '@portico/sdk';

const portico = createPortico({ baseUrl: process.argv[2]! });
const products = unwrap(
  await portico.inventory.GET('/api/v1/inventory/products', { params: { query: { limit: 5 } } }),
);
const login = createBrowserLogin({ baseUrl: process.argv[2]!, clientId: 'x', redirectUri: 'http://127.0.0.1/' });
console.log(JSON.stringify({ skus: products.items.map((p) => p.sku), login: typeof login.authorizeUrl }));
`;

/** The types must catch what they promise to: a path no spec has. */
const MISTAKE = `import { createPortico } from '@portico/sdk';
await createPortico({ baseUrl: 'http://127.0.0.1' }).orders.GET('/api/v1/no-such-path', {});
`;

const TSCONFIG = JSON.stringify({
  compilerOptions: {
    target: 'ES2023',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    outDir: 'out',
    // A Node project has @types/node; borrow this repository's rather than install it.
    typeRoots: [join(ROOT, 'node_modules', '@types')],
    types: ['node'],
    lib: ['ES2023', 'DOM'],
  },
  files: ['consumer.ts'],
});

describe('the SDK from another project: npm pack, install the tarballs, compile and run', () => {
  let system: System;
  let project: string;
  beforeAll(async () => {
    await buildServices();
    system = await startSystem();
    project = mkdtempSync(join(tmpdir(), 'portico-consumer-'));
  }, 300_000);
  afterAll(async () => {
    await system?.stop();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('when the packed @portico/sdk and @portico/openapi are installed elsewhere, then a typed program compiles, runs against the gateway, and a wrong path fails to compile', async () => {
    const tarballs: string[] = [];
    for (const workspace of ['openapi', 'sdk']) {
      const { stdout } = await npm(
        ['pack', '--json', '--ignore-scripts', '--pack-destination', project],
        join(ROOT, workspace),
      );
      const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
      expect(packed!.files.map((f) => f.path)).toContain('dist/index.d.ts');
      expect(packed!.files.map((f) => f.path)).not.toContain('dist/.tsbuildinfo');
      tarballs.push(join(project, packed!.filename));
    }
    writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    await npm(['install', '--prefer-offline', '--ignore-scripts', ...tarballs], project);
    writeFileSync(join(project, 'tsconfig.json'), TSCONFIG);
    writeFileSync(join(project, 'consumer.ts'), CONSUMER);
    await run(process.execPath, [TSC, '-p', '.'], { cwd: project });

    const { stdout } = await run(process.execPath, ['out/consumer.js', system.gateway], {
      cwd: project,
    });
    const result = JSON.parse(stdout) as { skus: string[]; login: string };
    expect(result.skus.length).toBeGreaterThan(0);
    expect(result.login).toBe('function');

    writeFileSync(join(project, 'consumer.ts'), MISTAKE);
    const compiled = await run(process.execPath, [TSC, '-p', '.', '--noEmit'], {
      cwd: project,
    }).catch((error: { stdout: string }) => error);
    expect((compiled as { stdout: string }).stdout).toMatch(/no-such-path/);
  }, 180_000);
});
