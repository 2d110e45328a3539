import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's chromium package; .ci/run installs it. Playwright downloads no browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Keep the browser quiet and local: no update checks, sync, QUIC or first-run pages. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Whether the browser is installed; when it is not, says which suite is skipped and why. */
export function chromiumOrSkip(suite: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  process.stderr.write(`${suite} skipped: ${CHROMIUM} not found (apt-get install chromium).\n`);
  return false;
}

/** A headless Chromium with a fresh profile; `close` also removes the profile. */
export async function launchChromium(viewport?: {
  width: number;
  height: number;
}): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'portico-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    ...(viewport && { viewport }),
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
