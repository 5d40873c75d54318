import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ApiError, ServerUnreachableError, UnexpectedResponseError } from './errors';

interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

export interface RequestOptions {
  /**
   * Retry RATE_LIMITED (after extensions.retryAfterMs) and UNAVAILABLE a few times. Only for
   * calls that are safe to repeat: queries, and mutations made idempotent by client ids.
   */
  retry?: boolean;
}

const MAX_RETRIES = 5;

/** How a subscription ended, as far as the caller needs to know. */
export type SubscriptionEnd =
  | { kind: 'completed' }
  | { kind: 'errors'; errors: ApiError[] }
  | { kind: 'closed'; code: number; reason: string }
  | { kind: 'failed'; message: string };

export interface SubscriptionSink<T> {
  connected?(): void;
  next(data: T): void;
  end(how: SubscriptionEnd): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function toApiError(error: GraphQLErrorShape): ApiError {
  const { code, ...rest } = error.extensions ?? {};
  return new ApiError(typeof code === 'string' ? code : 'INTERNAL', error.message, rest);
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * The CLI's only way to the ledger: GraphQL over HTTP with `fetch`, and subscriptions over
 * graphql-ws. Errors become the CLI's own classes (ApiError with the contract's code,
 * ServerUnreachableError, UnexpectedResponseError).
 */
export class LedgerClient {
  constructor(
    readonly url: string,
    private readonly key: string,
  ) {}

  async request<T>(query: string, variables: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.once<T>(query, variables);
      } catch (error) {
        if (!options.retry || attempt >= MAX_RETRIES || !(error instanceof ApiError)) throw error;
        if (error.code === 'RATE_LIMITED') {
          const wait = Number(error.extensions.retryAfterMs);
          await sleep(Number.isFinite(wait) && wait > 0 ? Math.min(wait, 30_000) : 500 * attempt);
        } else if (error.code === 'UNAVAILABLE') {
          await sleep(250 * 2 ** attempt);
        } else {
          throw error;
        }
      }
    }
  }

  private async once<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${this.key}` },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      throw new ServerUnreachableError(this.url, networkReason(error));
    }
    const text = await response.text();
    let body: { data?: T | null; errors?: GraphQLErrorShape[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new UnexpectedResponseError(
        `${this.url} answered HTTP ${response.status} with something that is not a GraphQL response; is it the ledger's /graphql endpoint?`,
      );
    }
    if (body.errors?.length) throw toApiError(body.errors[0]!);
    if (body.data === undefined || body.data === null) {
      throw new UnexpectedResponseError(`${this.url} answered HTTP ${response.status} with neither data nor errors`);
    }
    return body.data;
  }

  /**
   * One subscription on its own graphql-ws connection (subprotocol graphql-transport-ws, key in
   * connection_init). It does not reconnect by itself: the caller decides how to resume (for
   * the timeline, from the last sequence it saw), so nothing is replayed from stale variables.
   * Returns a function that stops it.
   */
  subscribe<T>(query: string, variables: Record<string, unknown>, sink: SubscriptionSink<T>): () => void {
    let ended = false;
    const finish = (how: SubscriptionEnd) => {
      if (ended) return;
      ended = true;
      sink.end(how);
      void client.dispose();
    };
    const client: Client = createClient({
      url: this.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${this.key}` },
      retryAttempts: 0,
      lazy: true,
      keepAlive: 10_000,
      on: { connected: () => sink.connected?.() },
    });
    client.subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          if (ended) return;
          if (result.errors?.length) finish({ kind: 'errors', errors: result.errors.map((e) => toApiError(e as GraphQLErrorShape)) });
          else if (result.data) sink.next(result.data as T);
        },
        error: (error: unknown) => finish(subscriptionEnd(error)),
        complete: () => finish({ kind: 'completed' }),
      },
    );
    return () => {
      ended = true;
      void client.dispose();
    };
  }
}

/** graphql-ws reports a list of GraphQL errors, a CloseEvent, or some other connection error. */
export function subscriptionEnd(error: unknown): SubscriptionEnd {
  if (Array.isArray(error)) return { kind: 'errors', errors: error.map((e) => toApiError(e as GraphQLErrorShape)) };
  if (error && typeof error === 'object' && 'code' in error && typeof (error as { code: unknown }).code === 'number') {
    const close = error as { code: number; reason?: unknown };
    return { kind: 'closed', code: close.code, reason: typeof close.reason === 'string' ? close.reason : '' };
  }
  if (error instanceof Error) return { kind: 'failed', message: error.message };
  const message = (error as { message?: unknown } | null)?.message;
  return { kind: 'failed', message: typeof message === 'string' && message ? message : 'connection error' };
}
