/**
 * The API key lives in this tab's session storage only. A sign-in link carries it in the URL
 * fragment (`#key=...`), which browsers never send to the server; it is taken out of the address
 * bar at once.
 */
const STORAGE_KEY = 'agent-ledger.api-key';

export function takeKeyFromFragment(): void {
  const match = /^#key=([^&]+)/.exec(window.location.hash);
  if (!match) return;
  sessionStorage.setItem(STORAGE_KEY, decodeURIComponent(match[1]));
  history.replaceState(null, '', window.location.pathname + window.location.search);
}

export function storedKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
