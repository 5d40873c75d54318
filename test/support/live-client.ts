import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface Collected<T> {
  items: T[];
  error: unknown;
  completed: boolean;
  /** Resolves once `predicate` holds for the items, or rejects after `timeoutMs`. */
  until(predicate: (items: T[]) => boolean, timeoutMs?: number): Promise<T[]>;
  stop(): void;
}

/** A graphql-ws client, as a dashboard would connect. */
export function liveClient(httpUrl: string, key: string | null, options: { retryAttempts?: number } = {}): Client {
  return createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: key ? { authorization: `Bearer ${key}` } : {},
    retryAttempts: options.retryAttempts ?? 0,
    lazy: true,
  });
}

export function collect<T>(client: Client, query: string, variables: Record<string, unknown> = {}, pick: (data: Record<string, unknown>) => T = (d) => Object.values(d)[0] as T): Collected<T> {
  const collected: Collected<T> = {
    items: [],
    error: null,
    completed: false,
    async until(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(collected.items)) {
        if (collected.error) throw new Error(`subscription failed: ${JSON.stringify(collected.error)}`);
        if (Date.now() > deadline) throw new Error(`timed out with ${collected.items.length} items: ${JSON.stringify(collected.items.slice(-5))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return collected.items;
    },
    stop: () => undefined,
  };
  collected.stop = client.subscribe<Record<string, unknown>>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) collected.error = result.errors;
        else if (result.data) collected.items.push(pick(result.data));
      },
      error: (error) => {
        collected.error = error instanceof Error ? error.message : (error as { code?: number; reason?: string }).code !== undefined ? { code: (error as { code: number }).code, reason: (error as { reason: string }).reason } : error;
      },
      complete: () => {
        collected.completed = true;
      },
    },
  );
  return collected;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The promise's value, or null when it has not settled within `ms` (the timer does not outlive it). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A bare graphql-transport-ws socket, for tests of what the server answers to any frame at all. */
export interface RawSocket {
  ws: WebSocket;
  /** Every frame received so far, parsed. */
  messages: any[];
  closed: Promise<{ code: number; reason: string }>;
  /** The first frame `predicate` holds for, waiting up to 5 s for it to come. */
  waitFor(predicate: (message: any) => boolean): Promise<any>;
}

export async function openRawSocket(httpUrl: string): Promise<RawSocket> {
  const ws = new WebSocket(httpUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const messages: any[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', reject);
  });
  const waitFor = async (predicate: (message: any) => boolean) => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = messages.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such message in ${JSON.stringify(messages)}`);
      await sleep(20);
    }
  };
  return { ws, messages, closed, waitFor };
}
