import { Field, Type } from 'protobufjs';
import { BadUserInputError } from '@ledger/domain';
import type { Attributes, AttributeValue, OtlpSpan } from './otlp-span';

/**
 * OTLP/HTTP decoding and encoding with the protobuf code that the OpenTelemetry JS project
 * generates from opentelemetry-proto (protobufjs static code shipped in
 * @opentelemetry/otlp-transformer). JSON is the same messages in the OTLP JSON mapping: parsed
 * by protobufjs `fromObject` after the one difference the mapping makes (ids are hex, not
 * base64), so both encodings give exactly the same message.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const generated = require('@opentelemetry/otlp-transformer/build/src/generated/root') as GeneratedRoot;

interface MessageType {
  decode(reader: Uint8Array): unknown;
  encode(message: unknown): { finish(): Uint8Array };
  fromObject(object: Record<string, unknown>): unknown;
  toObject(message: unknown, options: Record<string, unknown>): Record<string, unknown>;
}
interface GeneratedRoot {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: MessageType; ExportTraceServiceResponse: MessageType } } } } };
}

const TRACE_SERVICE = generated.opentelemetry.proto.collector.trace.v1;

/** google.rpc.Status, the body of an OTLP/HTTP error response (code, message; details unused). */
const RPC_STATUS = new Type('Status').add(new Field('code', 1, 'int32')).add(new Field('message', 2, 'string'));

export type OtlpEncoding = 'protobuf' | 'json';

/** The body is not an ExportTraceServiceRequest: BAD_USER_INPUT, answered 400. */
export class OtlpDecodeError extends BadUserInputError {
  constructor(message: string) {
    super(message, [{ field: 'body', message }]);
  }
}

interface RawKeyValue {
  key?: string;
  value?: RawAnyValue;
}
interface RawAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values?: RawAnyValue[] };
  kvlistValue?: { values?: RawKeyValue[] };
  bytesValue?: Uint8Array;
}

/** An int64 attribute is a number when it fits exactly, else its decimal string. */
function anyValue(value: RawAnyValue | undefined): AttributeValue {
  if (!value) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) {
    const n = Number(value.intValue);
    return Number.isSafeInteger(n) ? n : value.intValue;
  }
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(anyValue);
  if (value.kvlistValue !== undefined) return attributes(value.kvlistValue.values);
  if (value.bytesValue !== undefined) return Buffer.from(value.bytesValue).toString('base64');
  return null;
}

function attributes(list: RawKeyValue[] | undefined): Attributes {
  const result: Attributes = {};
  for (const kv of list ?? []) if (kv.key) result[kv.key] = anyValue(kv.value);
  return result;
}

function hex(bytes: unknown): string {
  return bytes instanceof Uint8Array ? Buffer.from(bytes).toString('hex') : '';
}

/** The request's spans, each with its resource and scope. */
function spansOf(request: Record<string, unknown>): OtlpSpan[] {
  const spans: OtlpSpan[] = [];
  for (const rs of (request.resourceSpans ?? []) as Record<string, unknown>[]) {
    const resource = attributes((rs.resource as { attributes?: RawKeyValue[] } | undefined)?.attributes);
    for (const ss of (rs.scopeSpans ?? []) as Record<string, unknown>[]) {
      const scope = (ss.scope ?? {}) as { name?: string; version?: string };
      for (const span of (ss.spans ?? []) as Record<string, unknown>[]) {
        const status = (span.status ?? {}) as { code?: number; message?: string };
        const parent = hex(span.parentSpanId);
        spans.push({
          traceId: hex(span.traceId),
          spanId: hex(span.spanId),
          parentSpanId: parent === '' ? null : parent,
          name: String(span.name ?? ''),
          kind: Number(span.kind ?? 0),
          startTimeUnixNano: String(span.startTimeUnixNano ?? '0'),
          endTimeUnixNano: String(span.endTimeUnixNano ?? '0'),
          attributes: attributes(span.attributes as RawKeyValue[] | undefined),
          events: ((span.events ?? []) as Record<string, unknown>[]).map((event) => ({
            name: String(event.name ?? ''),
            timeUnixNano: String(event.timeUnixNano ?? '0'),
            attributes: attributes(event.attributes as RawKeyValue[] | undefined),
          })),
          status: { code: Number(status.code ?? 0), message: status.message ?? '' },
          resource,
          scope: { name: scope.name ?? '', version: scope.version ?? '' },
        });
      }
    }
  }
  return spans;
}

const TO_OBJECT = { longs: String, enums: Number, defaults: false, arrays: true };
const HEX_ID = /^(?:[0-9a-fA-F]{2})*$/;

/** The OTLP JSON mapping writes trace and span ids as hex; protobufjs reads bytes as base64. */
function hexIdsToBytes(request: unknown): void {
  const fix = (holder: Record<string, unknown>, field: string, where: string) => {
    const value = holder[field];
    if (value === undefined || value === null || value === '') return;
    if (typeof value !== 'string' || !HEX_ID.test(value)) throw new OtlpDecodeError(`${where}.${field} must be a hex string`);
    holder[field] = Buffer.from(value, 'hex');
  };
  const rss = (request as { resourceSpans?: unknown }).resourceSpans;
  if (!Array.isArray(rss)) return;
  rss.forEach((rs: { scopeSpans?: unknown }, i) => {
    if (!Array.isArray(rs?.scopeSpans)) return;
    rs.scopeSpans.forEach((ss: { spans?: unknown }, j) => {
      if (!Array.isArray(ss?.spans)) return;
      ss.spans.forEach((span: Record<string, unknown>, k) => {
        const where = `resourceSpans[${i}].scopeSpans[${j}].spans[${k}]`;
        if (!span || typeof span !== 'object') throw new OtlpDecodeError(`${where} must be an object`);
        fix(span, 'traceId', where);
        fix(span, 'spanId', where);
        fix(span, 'parentSpanId', where);
        if (Array.isArray(span.links)) span.links.forEach((link: Record<string, unknown>, l) => {
          fix(link, 'traceId', `${where}.links[${l}]`);
          fix(link, 'spanId', `${where}.links[${l}]`);
        });
      });
    });
  });
}

/** An ExportTraceServiceRequest in either encoding, as spans; OtlpDecodeError when it is not one. */
export function decodeTraces(body: Buffer, encoding: OtlpEncoding): OtlpSpan[] {
  const type = TRACE_SERVICE.ExportTraceServiceRequest;
  let message: unknown;
  try {
    if (encoding === 'protobuf') {
      message = type.decode(body);
    } else {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new OtlpDecodeError('the body must be a JSON object (an ExportTraceServiceRequest)');
      hexIdsToBytes(parsed);
      message = type.fromObject(parsed as Record<string, unknown>);
    }
  } catch (error) {
    if (error instanceof OtlpDecodeError) throw error;
    const what = encoding === 'protobuf' ? 'an OTLP protobuf ExportTraceServiceRequest' : 'an OTLP JSON ExportTraceServiceRequest';
    throw new OtlpDecodeError(`the body is not ${what}: ${(error as Error).message}`);
  }
  return spansOf(type.toObject(message, TO_OBJECT));
}

/** The success answer, with partial_success when some spans were rejected. */
export function encodeExportResponse(encoding: OtlpEncoding, rejectedSpans: number, errorMessage: string): Buffer {
  const partialSuccess = rejectedSpans > 0 || errorMessage ? { rejectedSpans, errorMessage } : undefined;
  if (encoding === 'json') {
    return Buffer.from(JSON.stringify(partialSuccess ? { partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } } : {}));
  }
  const type = TRACE_SERVICE.ExportTraceServiceResponse;
  return Buffer.from(type.encode(type.fromObject(partialSuccess ? { partialSuccess } : {})).finish());
}

/** An error answer: google.rpc.Status in the request's encoding. */
export function encodeStatus(encoding: OtlpEncoding, code: number, message: string): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  return Buffer.from(RPC_STATUS.encode(RPC_STATUS.fromObject({ code, message })).finish());
}

/** Decodes a response, for tests and the bench (clients read the same messages). */
export function decodeExportResponse(body: Buffer, encoding: OtlpEncoding): { partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } } {
  if (encoding === 'json') return JSON.parse(body.toString('utf8')) as never;
  const type = TRACE_SERVICE.ExportTraceServiceResponse;
  return type.toObject(type.decode(body), TO_OBJECT) as never;
}

export function decodeStatus(body: Buffer, encoding: OtlpEncoding): { code?: number; message?: string } {
  if (encoding === 'json') return JSON.parse(body.toString('utf8')) as never;
  return RPC_STATUS.toObject(RPC_STATUS.decode(body)) as never;
}

/** The request's encoding from its content type; null for one OTLP/HTTP does not define. */
export function encodingOf(contentType: string | undefined): OtlpEncoding | null {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return null;
}
