import { useEffect, useState } from 'react';

/** The current time, re-read every `intervalMs`, so "3 min ago" keeps moving without data changes. */
export function useNow(intervalMs = 5_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Agent Ledger`;
  }, [title]);
}
