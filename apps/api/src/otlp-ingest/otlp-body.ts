import express, { NextFunction, Request, Response } from 'express';
import { encodeStatus, encodingOf } from './otlp-codec';

export const OTLP_TRACES_PATH = '/v1/traces';

/**
 * The body of POST /v1/traces as bytes, inflated when `content-encoding: gzip` (or deflate), up to
 * the request limit after inflation. Mounted before the JSON parser, so an OTLP JSON body reaches
 * the decoder as sent.
 */
export function otlpBodyParser(limitBytes: number) {
  return express.raw({ type: () => true, limit: limitBytes, inflate: true });
}

/** Body errors on the OTLP path, answered as OTLP/HTTP does: a google.rpc.Status in the request's encoding. */
export function otlpBodyErrors(limitBytes: number) {
  return (error: { type?: string; status?: number; message?: string }, req: Request, res: Response, next: NextFunction): void => {
    if (!error) return next();
    const encoding = encodingOf(req.headers['content-type']) ?? 'json';
    const contentType = encoding === 'json' ? 'application/json' : 'application/x-protobuf';
    if (error.type === 'entity.too.large') {
      res.status(413).type(contentType).send(encodeStatus(encoding, 8, `the request body is over ${limitBytes} bytes (after decompression): export smaller batches (OTEL_BSP_MAX_EXPORT_BATCH_SIZE)`));
      return;
    }
    if (error.type === 'encoding.unsupported') {
      res.status(415).type(contentType).send(encodeStatus(encoding, 3, `content-encoding ${String(req.headers['content-encoding'])} is not supported: send gzip or none`));
      return;
    }
    res.status(400).type(contentType).send(encodeStatus(encoding, 3, `the request body could not be read: ${error.message ?? 'malformed'} (a gzip body must be complete and valid)`));
  };
}
