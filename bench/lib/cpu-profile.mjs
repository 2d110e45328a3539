import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const META = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/**
 * The parts of a V8 `.cpuprofile` read here.
 * @typedef {{ functionName: string; url: string; lineNumber: number }} CallFrame
 * @typedef {{ id: number; callFrame: CallFrame; children?: number[] }} ProfileNode
 * @typedef {{ nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }} Profile
 */

/** `gateway/dist/app.js:42`, `pino (node_modules)`, `node:_http_outgoing:…`: where a frame lives. */
/**
 * @param {CallFrame} callFrame
 * @param {string} repoRoot
 */
function placeOf(callFrame, repoRoot) {
  const { url, lineNumber } = callFrame;
  if (!url) return '';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const shown = path.startsWith('/') ? relative(repoRoot, path) : path;
  return `${shown}:${lineNumber + 1}`;
}

/** The package (or `node:` internals, or our own workspace) a frame belongs to. */
/**
 * @param {CallFrame} callFrame
 * @param {string} repoRoot
 */
function ownerOf(callFrame, repoRoot) {
  const { url, functionName } = callFrame;
  if (!url) return META.has(`(${functionName.replace(/[()]/g, '')})`) ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node: internals';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inModules) return inModules[1];
  return relative(repoRoot, path).split('/').slice(0, 2).join('/');
}

/**
 * Self time (and inclusive time) per function from a V8 `.cpuprofile`: each
 * sample's time delta is charged to the frame it landed in (self) and once to
 * every distinct function on its stack (inclusive).
 * @param {string} file
 * @param {string} repoRoot
 * @param {number} [top] how many functions each table lists
 */
export function summarizeCpuProfile(file, repoRoot, top = 25) {
  /** @type {Profile} */
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  // Every sample and every parent names a node of the same profile.
  const nodeOf = (/** @type {number} */ id) => /** @type {ProfileNode} */ (byId.get(id));
  const parents = new Map();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node.id);

  /** @param {ProfileNode} node */
  const keyOf = (node) => {
    const name = node.callFrame.functionName || '(anonymous)';
    const place = placeOf(node.callFrame, repoRoot);
    return place ? `${name}  ${place}` : name;
  };
  const self = new Map();
  const inclusive = new Map();
  const owners = new Map();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const node = nodeOf(id);
    total += delta;
    if (node.callFrame.functionName === '(idle)') {
      idle += delta;
      return;
    }
    const key = keyOf(node);
    self.set(key, (self.get(key) ?? 0) + delta);
    const owner = ownerOf(node.callFrame, repoRoot);
    owners.set(owner, (owners.get(owner) ?? 0) + delta);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parents.get(at)) {
      const frameKey = keyOf(nodeOf(at));
      if (seen.has(frameKey)) continue;
      seen.add(frameKey);
      inclusive.set(frameKey, (inclusive.get(frameKey) ?? 0) + delta);
    }
  });

  const busy = total - idle;
  /**
   * @param {Map<string, number>} map
   * @param {(key: string) => boolean} [filter]
   */
  const rank = (map, filter = () => true) =>
    [...map.entries()]
      .filter(([key]) => filter(key))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => ({
        name,
        ms: Math.round(micros / 1000),
        percentOfBusy: Math.round((micros / busy) * 1000) / 10,
      }));
  const ours = (/** @type {string} */ key) =>
    / (gateway|packages|[a-z]+-service)\//.test(key) && !key.includes('node_modules');
  return {
    file,
    totalMs: Math.round(total / 1000),
    busyMs: Math.round(busy / 1000),
    selfTime: rank(self),
    byPackage: rank(owners),
    inclusiveOurs: rank(inclusive, ours),
  };
}
