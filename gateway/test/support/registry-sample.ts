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
