/**
 * Redis stream of one producer (docs/architecture.md: streams are named after their
 * producer), under the deployment's key prefix (`REDIS_PREFIX`, default
 * `portico`), so several deployments or test runs can share one Redis.
 */
export const streamOf = (source: string, prefix = 'portico') => `${prefix}:events:${source}`;
/** Where a consumer group sets aside what kept failing: `<stream>:dead`. */
export const deadLetterStreamOf = (stream: string) => `${stream}:dead`;

/** XREAD/XREADGROUP replies: `[[stream, [[id, [field, value, ...]], ...]], ...]`. */
export type StreamReply = [string, [string, string[]][]][] | null;

export function envelopeField(fields: string[]): string | undefined {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === 'envelope') return fields[i + 1];
  return undefined;
}

/** The id right after `id`, for "everything after this one" bounds. */
export function nextId(id: string): string {
  const [ms, seq] = id.split('-');
  return `${ms}-${Number(seq ?? 0) + 1}`;
}
