import { Controller, HttpCode, Logger, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { codedError } from '@ledger/domain';
import { ApiKeyRegistry } from '../platform/auth/api-keys';
import { decodeTraces, encodeExportResponse, encodeStatus, encodingOf, OtlpEncoding } from './otlp-codec';
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
  private readonly logger = new Logger('OTLP');

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
    try {
      const result = await this.ingest.ingest(actor, decodeTraces(body, encoding));
      // OTLP's response has no field for it; what appendRunEvents calls `deduplicated`, as a header.
      res.setHeader('x-ledger-deduplicated', String(result.deduplicated));
      res.status(200).type(contentType).send(encodeExportResponse(encoding, result.rejectedSpans, result.errorMessage));
    } catch (error) {
      // By the error's contract code, as the GraphQL edge maps them.
      const coded = codedError(error);
      const message = coded?.publicMessage ?? coded?.message ?? '';
      switch (coded?.code) {
        case 'BAD_USER_INPUT':
          return fail(400, RPC.INVALID_ARGUMENT, message);
        case 'PAYLOAD_TOO_LARGE':
          return fail(413, RPC.RESOURCE_EXHAUSTED, message);
        case 'RATE_LIMITED':
          return fail(429, RPC.RESOURCE_EXHAUSTED, message, Math.max(1, Math.ceil(Number(coded.details?.retryAfterMs ?? 1000) / 1000)));
        case 'UNAVAILABLE':
          return fail(503, RPC.UNAVAILABLE, `${message}; the export is safe to resend as is`, UNAVAILABLE_RETRY_AFTER_SECONDS);
        default:
          this.logger.error(`internal error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
          return fail(500, RPC.INTERNAL, 'the export could not be stored because of an internal error; it is safe to resend as is');
      }
    }
  }
}
