import type { SystemUnderAttack } from './system-under-attack.js';

/** The pieces of a secret worth looking for: the whole, and a JWT's signature alone. */
function needles(secret: string): string[] {
  const parts = secret.split('.');
  return parts.length === 3 && parts[2]!.length > 20 ? [secret, parts[2]!] : [secret];
}

/**
 * Every log line that holds a secret the suite used (passwords, access and
 * refresh tokens, client secrets), each with the secret masked so the failure
 * message does not repeat it. Empty when the logs are clean.
 */
export function leakedLines(system: SystemUnderAttack): string[] {
  const found: string[] = [];
  for (const secret of system.secrets()) {
    for (const needle of needles(secret)) {
      for (const line of system.logLines) {
        if (line.includes(needle))
          found.push(line.replaceAll(needle, `<secret ${needle.slice(0, 4)}…>`));
      }
    }
  }
  return found;
}

/**
 * The log check each attack file ends with: the gateway's and the auth
 * service's lines were captured (every file logs in), the scan finds a
 * planted secret (the scan works), no real line holds one, and nothing was
 * logged as an error (no attack caused a 5xx).
 */
export function expectCleanLogs(system: SystemUnderAttack): void {
  const services = new Set(system.logLines.map((line) => JSON.parse(line).service as string));
  expect([...services]).toEqual(expect.arrayContaining(['gateway', 'auth-service']));
  expect(system.secrets().length).toBeGreaterThan(3);
  const canary = system.secrets()[0]!;
  const planted = { ...system, logLines: [`{"msg":"oops ${canary}"}`] };
  expect(leakedLines(planted)).toHaveLength(1);
  expect(leakedLines(system)).toEqual([]);
  // No attack may cause a 5xx or a crash: every refusal is a 4xx the services chose.
  const errors = system.logLines.filter((line) =>
    ['error', 'fatal'].includes(JSON.parse(line).level),
  );
  expect(errors).toEqual([]);
}
