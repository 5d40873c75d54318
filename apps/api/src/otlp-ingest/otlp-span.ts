/**
 * A span as the mapping reads it: one shape for both OTLP encodings, ids as lowercase hex, times
 * as decimal nanosecond strings (exact: int64 does not fit a JavaScript number).
 */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

/** OTLP status codes (opentelemetry.proto.trace.v1.Status.StatusCode). */
export const STATUS_UNSET = 0;
export const STATUS_OK = 1;
export const STATUS_ERROR = 2;

export interface OtlpSpanEvent {
  name: string;
  timeUnixNano: string;
  attributes: Attributes;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attributes;
  events: OtlpSpanEvent[];
  status: { code: number; message: string };
  resource: Attributes;
  scope: { name: string; version: string };
}
