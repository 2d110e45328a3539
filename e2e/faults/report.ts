import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SUMMARY_FILE = join(ROOT, 'test-artifacts', 'faults-summary.json');

/** Resident set size of a live process in MB (Linux /proc), or undefined once it is gone. */
export function rssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Math.round(Number(kb) / 102.4) / 10;
  } catch {
    return undefined;
  }
}

/** V8's used heap in MB from a process's Prometheus `/metrics` (prom-client's default metrics). */
async function heapUsedMb(metricsUrl: string | undefined): Promise<number | undefined> {
  if (!metricsUrl) return undefined;
  try {
    const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(2000) });
    const line = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)$/m.exec(await res.text())?.[1];
    return line === undefined ? undefined : Math.round(Number(line) / 104857.6) / 10;
  } catch {
    return undefined;
  }
}

/** An RSS reading of one process (and its V8 heap, when it has /metrics), at a named moment. */
export type RssSample = { name: string; pid: number; at: string; mb: number; heapMb?: number };

export class RssLog {
  readonly samples: RssSample[] = [];

  async sample(name: string, pid: number | undefined, at: string, metricsUrl?: string) {
    const mb = rssMb(pid);
    const heapMb = await heapUsedMb(metricsUrl);
    if (pid !== undefined && mb !== undefined)
      this.samples.push({ name, pid, at, mb, ...(heapMb !== undefined && { heapMb }) });
  }

  /** The first reading of the process `name` ran as first, and of the one it runs as now. */
  span(name: string, pidNow: number | undefined) {
    const mine = this.samples.filter((s) => s.name === name);
    const same = mine.filter((s) => s.pid === pidNow);
    return {
      runStartMb: mine[0]?.mb,
      /** The process now running: its first reading (after its warm-up) and its last. */
      pid: pidNow,
      beforeMb: same[0]?.mb,
      beforeAt: same[0]?.at,
      afterMb: same.at(-1)?.mb,
      heapBeforeMb: same[0]?.heapMb,
      heapAfterMb: same.at(-1)?.heapMb,
    };
  }
}

/** Adds (or replaces) one mode's section of test-artifacts/faults-summary.json, and prints it. */
export function writeSummary(mode: string, summary: object): void {
  mkdirSync(dirname(SUMMARY_FILE), { recursive: true });
  let all: { modes: Record<string, unknown> } = { modes: {} };
  try {
    all = JSON.parse(readFileSync(SUMMARY_FILE, 'utf8'));
  } catch {
    // first mode of the run
  }
  all.modes[mode] = summary;
  writeFileSync(SUMMARY_FILE, `${JSON.stringify(all, null, 2)}\n`);
  console.info(
    `faults summary (${mode}), in ${SUMMARY_FILE}:\n${JSON.stringify(summary, null, 2)}`,
  );
}
