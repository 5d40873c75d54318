import { readFileSync } from 'node:fs';

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
