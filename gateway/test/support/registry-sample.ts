import type { Registry } from 'prom-client';

/** The value of one series in a gateway's registry; 0 when it was never touched. */
export async function registrySample(
  registry: Registry,
  name: string,
  labels: Readonly<Record<string, string>>,
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric named ${name}`);
  const { values } = await metric.get();
  const pairs = Object.entries(labels);
  const sample = values.find((value) =>
    pairs.every(([label, wanted]) => String(value.labels[label]) === wanted),
  );
  return sample?.value ?? 0;
}

/** Polls `check` every few milliseconds until it passes; fails naming `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 2_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
