import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RateLimitedError } from '@ledger/domain';
import { retryAfterSeconds } from '../edge/http-status.plugin';
import { encodeStatus, encodingOf } from './otlp-codec';

/** google.rpc.Code RESOURCE_EXHAUSTED: what OTLP/HTTP exporters back off on, with Retry-After. */
const RESOURCE_EXHAUSTED = 8;

/** A spent ingest budget (the edge's rate-limit guard) answered as OTLP/HTTP wants it: 429, a Status, Retry-After. */
@Catch(RateLimitedError)
export class OtlpRateLimitFilter implements ExceptionFilter {
  catch(error: RateLimitedError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const encoding = encodingOf(req.headers['content-type']) ?? 'json';
    res.setHeader('Retry-After', retryAfterSeconds(Number(error.details.retryAfterMs ?? 1000)));
    res
      .status(429)
      .type(encoding === 'json' ? 'application/json' : 'application/x-protobuf')
      .send(encodeStatus(encoding, RESOURCE_EXHAUSTED, error.message));
  }
}
