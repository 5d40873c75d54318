import { ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard, ThrottlerLimitDetail, ThrottlerModuleOptions, ThrottlerRequest, ThrottlerStorage } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { actorFields, noteRequest } from '../logging/request-log';
import type { GraphQLResolveInfo } from 'graphql';
import { RateLimitedError } from '@ledger/domain';
import { ApiKeyRegistry } from '../../platform/auth/api-keys';
import type { GraphQLContext } from '../../platform/graphql/context';

/** The two request budgets: writes (mutations, OTLP posts) and reads (queries, subscription starts). */
export type RateLimitBudget = 'ingest' | 'read';

const BUDGET_METADATA = 'ledger:rate-limit-budget';

/**
 * Puts a plain HTTP controller or route under one budget, e.g. `@RateLimited('ingest')` on an
 * OTLP controller; pair it with `@UseFilters(LedgerHttpErrorFilter)` so a refusal is a 429 with
 * `Retry-After`. GraphQL needs no decorator: mutations are `ingest`, queries and subscriptions `read`.
 */
export const RateLimited = (budget: RateLimitBudget) => SetMetadata(BUDGET_METADATA, budget);

/** Throttler's own per-request shape, with the caller already resolved. */
interface TrackedRequest {
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  socket?: { remoteAddress?: string };
  ledgerTracker?: string;
}

/**
 * @nestjs/throttler's guard, applied to every GraphQL root field and to controllers marked
 * `@RateLimited`. Counted per API key (a key's hash prefix, never the key), per budget, over
 * RATE_LIMIT_WINDOW_SECONDS; a request with no known key is counted by its address. A spent
 * budget is RATE_LIMITED with `retryAfterMs` (and `Retry-After` on HTTP).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly keys: ApiKeyRegistry,
  ) {
    super(options, storage, reflector);
  }

  /** Which budget a handler draws on, or null when it is not limited (health, nested fields). */
  budgetOf(context: ExecutionContext): RateLimitBudget | null {
    if (context.getType<GqlContextType>() === 'graphql') {
      const info = GqlExecutionContext.create(context).getInfo<GraphQLResolveInfo>();
      if (info.path.prev !== undefined) return null;
      if (info.parentType.name === 'Mutation') return 'ingest';
      return info.parentType.name === 'Query' || info.parentType.name === 'Subscription' ? 'read' : null;
    }
    return this.reflector.getAllAndOverride<RateLimitBudget | undefined>(BUDGET_METADATA, [context.getHandler(), context.getClass()]) ?? null;
  }

  /** Each request draws on its own budget only; a budget of 0 is no limit. */
  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    if (request.limit === 0 || request.throttler.name !== this.budgetOf(request.context)) return true;
    return super.handleRequest(request);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return this.budgetOf(context) === null;
  }

  protected override getRequestResponse(context: ExecutionContext): { req: Record<string, any>; res: Record<string, any> } {
    if (context.getType<GqlContextType>() !== 'graphql') {
      const http = context.switchToHttp();
      const req = http.getRequest<Request & TrackedRequest>();
      const actor = this.keys.authenticate(headerOf(req.headers.authorization));
      req.ledgerTracker = this.trackerOf(actor, req);
      const res = http.getResponse<Response>();
      // The request's log line says who called, as GraphQL's do.
      noteRequest(res, actorFields(actor));
      return { req, res };
    }
    const gql = GqlExecutionContext.create(context).getContext<GraphQLContext>();
    const req: TrackedRequest = { headers: {}, ledgerTracker: this.trackerOf(gql.actor, { headers: {}, ip: gql.remoteAddress }) };
    // Throttler sets its X-RateLimit-* headers on `res`; over WebSocket there is none to set.
    return { req, res: gql.res ?? {} };
  }

  protected override async getTracker(req: Record<string, any>): Promise<string> {
    return (req as TrackedRequest).ledgerTracker ?? 'unknown';
  }

  /** One counter per key and budget across every operation (throttler's default is one per route). */
  protected override generateKey(_context: ExecutionContext, tracker: string, budget: string): string {
    return `${budget}:${tracker}`;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const budget = this.budgetOf(context) ?? 'read';
    const retryAfterMs = Math.max(1, detail.timeToBlockExpire) * 1000;
    throw new RateLimitedError(
      `this API key has used its ${budget} budget of ${detail.limit} requests per ${Math.round(detail.ttl / 1000)} s; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
      retryAfterMs,
    );
  }

  private trackerOf(actor: GraphQLContext['actor'], req: TrackedRequest): string {
    const keyId = actor ? this.keys.keyIdOf(actor) : undefined;
    return keyId ? `key:${keyId}` : `address:${req.ip ?? req.socket?.remoteAddress ?? 'unknown'}`;
  }
}

function headerOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
