import { ProtobufTraceSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { decodeExportResponse, decodeStatus, decodeTraces, encodeExportResponse, encodeStatus, encodingOf, OtlpDecodeError } from './otlp-codec';

/** Requests serialized by the OpenTelemetry JS serializers themselves, as the exporters send them. */
function exportedSpans() {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'svc', n: 7 }), spanProcessors: [new SimpleSpanProcessor(memory)] });
  const span = provider.getTracer('scope-a', '1.2.3').startSpan('chat m', {
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 12, ratio: 0.5, ok: true, tags: ['a', 'b'] },
    startTime: new Date('2026-12-01T10:00:00.123Z'),
  });
  span.addEvent('gen_ai.user.message', { content: 'hi' }, new Date('2026-12-01T10:00:00.200Z'));
  span.setStatus({ code: 2, message: 'boom' });
  span.end(new Date('2026-12-01T10:00:01.000Z'));
  return memory.getFinishedSpans();
}

describe('OTLP codec', () => {
  const spans = exportedSpans();
  const protobuf = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
  const json = Buffer.from(JsonTraceSerializer.serializeRequest(spans)!);

  it('decodes the protobuf and the JSON encoding of one export to the same spans', () => {
    const fromProtobuf = decodeTraces(protobuf, 'protobuf');
    expect(decodeTraces(json, 'json')).toEqual(fromProtobuf);
    expect(fromProtobuf).toEqual([
      expect.objectContaining({
        traceId: spans[0]!.spanContext().traceId,
        spanId: spans[0]!.spanContext().spanId,
        parentSpanId: null,
        name: 'chat m',
        startTimeUnixNano: '1796119200123000000',
        endTimeUnixNano: '1796119201000000000',
        attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 12, ratio: 0.5, ok: true, tags: ['a', 'b'] },
        events: [{ name: 'gen_ai.user.message', timeUnixNano: '1796119200200000000', attributes: { content: 'hi' } }],
        status: { code: 2, message: 'boom' },
        resource: expect.objectContaining({ 'service.name': 'svc', n: 7 }),
        scope: { name: 'scope-a', version: '1.2.3' },
      }),
    ]);
  });

  it('refuses what is not an ExportTraceServiceRequest, saying so', () => {
    expect(() => decodeTraces(Buffer.from('garbage that is not protobuf'), 'protobuf')).toThrow(OtlpDecodeError);
    expect(() => decodeTraces(Buffer.from('[1,2]'), 'json')).toThrow(/JSON object/);
    expect(() => decodeTraces(Buffer.from('{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz"}]}]}]}'), 'json')).toThrow(/traceId must be a hex string/);
    expect(() => decodeTraces(Buffer.from('{"resourceSpans":"x"}'), 'json')).toThrow(/not an OTLP JSON/);
  });

  it('answers in the request encoding, with partial_success only when spans were rejected', () => {
    expect(decodeExportResponse(encodeExportResponse('protobuf', 0, ''), 'protobuf')).toEqual({});
    expect(decodeExportResponse(encodeExportResponse('protobuf', 2, 'why'), 'protobuf')).toEqual({ partialSuccess: { rejectedSpans: '2', errorMessage: 'why' } });
    expect(decodeExportResponse(encodeExportResponse('json', 2, 'why'), 'json')).toEqual({ partialSuccess: { rejectedSpans: '2', errorMessage: 'why' } });
    expect(decodeStatus(encodeStatus('protobuf', 3, 'bad'), 'protobuf')).toEqual({ code: 3, message: 'bad' });
  });

  it('knows the OTLP/HTTP content types', () => {
    expect(encodingOf('application/x-protobuf')).toBe('protobuf');
    expect(encodingOf('application/json; charset=utf-8')).toBe('json');
    expect(encodingOf('text/plain')).toBeNull();
  });
});
