import { GraphQLError, parse } from 'graphql';
import type { Context as WsConnection, ServerOptions } from 'graphql-ws';
import type { Actor } from '@ledger/domain';
import { ApiKeyRegistry } from '../../platform/auth/api-keys';
import { formatError } from '../../platform/graphql/error-format';
import { SubscriptionLimiter } from './subscription-limiter';

/** What the api keeps on each graphql-ws connection. */
export interface WsExtra {
  actor?: Actor;
  keyId?: string;
  /** Subscriptions counted against the key but not yet running (between onSubscribe and onOperation). */
  pending?: Set<string>;
}

type Hooks = Pick<ServerOptions, 'onSubscribe' | 'onOperation' | 'onError' | 'onClose'>;

/**
 * Counts a subscription from the time it is admitted to the time its stream ends, whichever way
 * it ends. Not an async generator: a generator waiting inside `for await` for the next change
 * queues `return()` until that change comes, so a completed subscription would stay counted.
 */
function countedWhileOpen<T>(source: AsyncIterable<T>, release: () => void): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let released = false;
  const once = () => {
    if (released) return;
    released = true;
    release();
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      try {
        const result = await iterator.next();
        if (result.done) once();
        return result;
      } catch (error) {
        once();
        throw error;
      }
    },
    async return(value?: unknown) {
      once();
      return (await iterator.return?.(value)) ?? { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      once();
      if (iterator.throw) return iterator.throw(error);
      throw error;
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * graphql-ws hooks: the query parsed within the token limit, and MAX_SUBSCRIPTIONS_PER_KEY enforced: a subscription over the cap is refused
 * with RATE_LIMITED (the connection and the key's other subscriptions go on).
 */
export function subscriptionCapHooks(keys: ApiKeyRegistry, limiter: SubscriptionLimiter, maxTokens: number): Hooks {
  const extraOf = (ctx: WsConnection) => ctx.extra as WsExtra;
  const release = (ctx: WsConnection, id: string) => {
    const extra = extraOf(ctx);
    if (extra.keyId && extra.pending?.delete(id)) limiter.close(extra.keyId);
  };
  return {
    onSubscribe: (ctx, id, payload) => {
      // graphql-ws answers a syntax error by closing the socket as an internal error (4500); a
      // request the client got wrong is its own error message, and the token limit holds here too.
      try {
        parse(payload.query, { maxTokens });
      } catch (error) {
        return [new GraphQLError(error instanceof Error ? error.message : 'the query cannot be parsed', { extensions: { code: 'BAD_USER_INPUT', fields: [] } })];
      }
      const extra = extraOf(ctx);
      extra.keyId ??= extra.actor ? keys.keyIdOf(extra.actor) : undefined;
      if (!extra.keyId) return undefined;
      if (!limiter.tryOpen(extra.keyId)) {
        return [
          new GraphQLError(
            `this API key already holds ${limiter.cap} open subscriptions, the most allowed (MAX_SUBSCRIPTIONS_PER_KEY); complete one first`,
            { extensions: { code: 'RATE_LIMITED', retryAfterMs: 1000 } },
          ),
        ];
      }
      (extra.pending ??= new Set()).add(id);
      return undefined;
    },
    onOperation: (ctx, id, _payload, _args, result) => {
      const extra = extraOf(ctx);
      if (!extra.keyId || !extra.pending?.has(id)) return undefined;
      extra.pending.delete(id);
      const keyId = extra.keyId;
      if (!isAsyncIterable(result)) {
        limiter.close(keyId);
        return undefined;
      }
      return countedWhileOpen(result, () => limiter.close(keyId)) as never;
    },
    onError: (ctx, id, _payload, errors) => {
      release(ctx, id);
      // Same contract codes as over HTTP (graphql-ws does not call Apollo's formatError).
      // Errors without an original error are the request's own (parse, validation): BAD_USER_INPUT.
      return errors.map((error) =>
        formatError(error.originalError ? error.toJSON() : { ...error.toJSON(), extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...error.extensions } }, error),
      );
    },
    onClose: (ctx) => {
      const extra = extraOf(ctx);
      for (const id of [...(extra.pending ?? [])]) release(ctx, id);
    },
  };
}
