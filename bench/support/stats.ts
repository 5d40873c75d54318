import { readdirSync, readFileSync } from 'node:fs';

export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Nearest-rank percentile of samples (ms). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function perSecond(count: number, ms: number): number {
  return ms > 0 ? (count * 1000) / ms : 0;
}

/** VmHWM (peak resident set) and VmRSS of a process, in bytes, from /proc. */
/**
 * CPU time and run-queue wait of a process, all its threads summed (/proc/<pid>/task/<tid>/schedstat:
 * nanoseconds on a CPU, nanoseconds runnable but waiting for one). The wait is what a loaded machine
 * adds to every latency: time the process was ready to run and the scheduler had no core for it.
 */
export function processSchedule(pid: number | 'self' = 'self'): { cpuMs: number; waitMs: number; mainCpuMs: number; mainWaitMs: number } | null {
  try {
    let cpu = 0;
    let wait = 0;
    const main = String(pid === 'self' ? process.pid : pid);
    let mainCpu = 0;
    let mainWait = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const [onCpu = 0, waiting = 0] = readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
      cpu += onCpu;
      wait += waiting;
      if (task === main) {
        mainCpu = onCpu;
        mainWait = waiting;
      }
    }
    return { cpuMs: cpu / 1e6, waitMs: wait / 1e6, mainCpuMs: mainCpu / 1e6, mainWaitMs: mainWait / 1e6 };
  } catch {
    return null;
  }
}

export function processMemory(pid: number | 'self' = 'self'): { peakRss: number; rss: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? Number(match[1]) * 1024 : NaN;
    };
    return { peakRss: field('VmHWM'), rss: field('VmRSS') };
  } catch {
    return null;
  }
}

export const MiB = 1024 * 1024;
