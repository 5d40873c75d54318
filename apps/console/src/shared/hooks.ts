import { useEffect, useSyncExternalStore } from 'react';

/**
 * One clock for every "3 min ago" on the page: a single timer, re-read every 5 s, so relative
 * times keep moving without data changes and a list of hundreds of rows holds one interval.
 */
const listeners = new Set<() => void>();
let current = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    timer = setInterval(() => {
      current = Date.now();
      for (const notify of listeners) notify();
    }, 5_000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

export function useNow(): number {
  return useSyncExternalStore(subscribe, () => current);
}

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Agent Ledger`;
  }, [title]);
}
