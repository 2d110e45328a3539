import { send } from './gateway-harness.js';

/**
 * One sample from Prometheus text: the line for `name` whose labels include
 * every pair in `labels` (in any order). Undefined when there is none.
 */
export function sampleOf(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  const pairs = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const close = line.lastIndexOf('}');
    const labelText = close === -1 ? '' : line.slice(name.length + 1, close);
    if (pairs.every((pair) => labelText.split(',').includes(pair))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

/** One sample read from a running gateway's `/metrics`. */
export async function gatewaySample(
  url: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): Promise<number | undefined> {
  const reply = await send(url, { path: '/metrics' });
  return sampleOf(reply.text, name, labels);
}
