/** Redis stream of one producer (DESIGN.md: streams are named after their producer). */
export const streamOf = (source: string) => `portico:events:${source}`;
/** Where a consumer group sets aside what kept failing. */
export const deadLetterStreamOf = (source: string) => `${streamOf(source)}:dead`;
export const sourceOf = (stream: string) => stream.slice('portico:events:'.length);

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
