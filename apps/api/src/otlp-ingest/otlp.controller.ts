import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { LedgerError, RateLimitedError, UnavailableError } from '@ledger/domain';
import { ApiKeyRegistry } from '../auth/api-keys';
import { decodeTraces, encodeExportResponse, encodeStatus, encodingOf, OtlpDecodeError, OtlpEncoding } from './otlp-codec';
import { OTLP_TRACES_PATH } from './otlp-body';
import { OtlpIngestService } from './otlp-ingest.service';

/** google.rpc.Code values used in the Status body of error answers. */
const RPC = { INVALID_ARGUMENT: 3, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, INTERNAL: 13, UNAVAILABLE: 14, UNAUTHENTICATED: 16 } as const;
const WRITERS = ['INGEST', 'ADMIN'];
const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * OTLP/HTTP traces (POST /v1/traces): protobuf or JSON, gzip or not, with the same API keys as
 * GraphQL (`Authorization: Bearer <key>`, which OTEL_EXPORTER_OTLP_HEADERS sets). Answers per the
 * OTLP/HTTP spec: ExportTraceServiceResponse (with partial_success) in the request's encoding,
 * or a google.rpc.Status with a retry hint where a retry can succeed.
 */
@Controller()
export class OtlpTracesController {
  constructor(
    private readonly keys: ApiKeyRegistry,
    private readonly ingest: OtlpIngestService,
  ) {}

  @Post(OTLP_TRACES_PATH)
  @HttpCode(200)
  async export(@Req() req: Request, @Res() res: Response): Promise<void> {
    const declared = encodingOf(req.headers['content-type']);
    const encoding: OtlpEncoding = declared ?? 'json';
    const contentType = encoding === 'json' ? 'application/json' : 'application/x-protobuf';
    const fail = (status: number, code: number, message: string, retryAfterSeconds?: number) => {
      if (retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(retryAfterSeconds));
      res.status(status).type(contentType).send(encodeStatus(encoding, code, message));
    };
    const actor = this.keys.authenticate(req.headers.authorization);
    if (!actor) {
      return fail(401, RPC.UNAUTHENTICATED, 'send a valid API key as "Authorization: Bearer <key>" (OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer <key>")');
    }
    if (!actor.roles.some((role) => WRITERS.includes(role))) {
      return fail(403, RPC.PERMISSION_DENIED, `sending traces needs one of the roles ${WRITERS.join(', ')}; this key has ${actor.roles.join(', ') || 'none'}`);
    }
    if (!declared) {
      return fail(415, RPC.INVALID_ARGUMENT, `content-type ${String(req.headers['content-type'] ?? '(none)')} is not OTLP: send application/x-protobuf or application/json`);
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let spans;
    try {
      spans = decodeTraces(body, encoding);
    } catch (error) {
      if (error instanceof OtlpDecodeError) return fail(400, RPC.INVALID_ARGUMENT, error.message);
      throw error;
    }
    try {
      const result = await this.ingest.ingest(actor, spans);
      // OTLP's response has no field for it; what appendRunEvents calls `deduplicated`, as a header.
      res.setHeader('x-ledger-deduplicated', String(result.deduplicated));
      res.status(200).type(contentType).send(encodeExportResponse(encoding, result.rejectedSpans, result.errorMessage));
    } catch (error) {
      if (error instanceof RateLimitedError) {
        return fail(429, RPC.RESOURCE_EXHAUSTED, error.message, Math.max(1, Math.ceil(Number(error.details.retryAfterMs ?? 1000) / 1000)));
      }
      if (error instanceof UnavailableError) {
        return fail(503, RPC.UNAVAILABLE, `${error.message}; the export is safe to retry as is`, UNAVAILABLE_RETRY_AFTER_SECONDS);
      }
      if (error instanceof LedgerError) return fail(400, RPC.INVALID_ARGUMENT, error.message);
      fail(500, RPC.INTERNAL, 'the export could not be stored because of an internal error; it is safe to retry as is');
    }
  }
}
