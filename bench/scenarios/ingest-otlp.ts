import { context, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { cleanup } from '../support/cleanup';
import { BenchContext, fmt } from '../support/context';
import { log } from '../support/progress';
import { row } from '../support/report';
import { INGEST_KEY, ServerProcess } from '../support/server';
import { now, percentile, perSecond } from '../support/stats';
import type { Scenario } from './scenario';

/** The OpenTelemetry SDK's default export batch (OTEL_BSP_MAX_EXPORT_BATCH_SIZE). */
const SPANS_PER_EXPORT = 512;
const WARMUP_EXPORTS = 1;
/** Each model-call span is stored as three run events: the user MESSAGE, MODEL_USAGE, the assistant MESSAGE. */
const EVENTS_PER_SPAN = 3;
const MODELS = ['gpt-4o', 'claude-sonnet-4-5', 'gemini-2.5-pro', 'in-house-7b'];

/** One exporter's batches: GenAI chat spans of one conversation, made by the real SDK. */
function batchesFor(exporterIndex: number, batches: number, base: number, prng: { hex(n: number): string }): ReadableSpan[][] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': `bench-agent-${exporterIndex}` }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('bench');
  const result: ReadableSpan[][] = [];
  for (let b = 0; b < batches; b += 1) {
    // The agent's root span stays open (it is not part of these exports), as in a long conversation.
    const parent = trace.setSpanContext(context.active(), { traceId: prng.hex(32), spanId: prng.hex(16), traceFlags: TraceFlags.SAMPLED });
    for (let i = 0; i < SPANS_PER_EXPORT; i += 1) {
      const start = base + (b * SPANS_PER_EXPORT + i) * 10;
      const model = MODELS[(b + i) % MODELS.length]!;
      const span = tracer.startSpan(`chat ${model}`, {
        kind: SpanKind.CLIENT,
        startTime: new Date(start),
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.conversation.id': `bench-conversation-${exporterIndex}`,
          'gen_ai.request.model': model,
          'gen_ai.response.id': `resp-${b}-${i}`,
          'gen_ai.usage.input_tokens': 800 + i,
          'gen_ai.usage.output_tokens': 120,
          'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `question ${b}.${i}: where is order ${prng.hex(8)}?` }] }]),
          'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: `It shipped on day ${i % 28}.` }] }]),
        },
      }, parent);
      span.end(new Date(start + 8));
    }
    result.push(memory.getFinishedSpans());
    memory.reset();
  }
  return result;
}

function exportOnce(exporter: OTLPTraceExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

/**
 * Scenario 10: OTLP/HTTP ingest end to end: the real OpenTelemetry protobuf exporter, several
 * concurrent exporters, batches of 512 GenAI spans, against the real server (decode, mapping,
 * the same commands as GraphQL with redaction and pricing, append, read-your-writes). Beside
 * scenario 3 (GraphQL), in events per second.
 */
export const otlpIngestScenario: Scenario = {
  id: '10',
  title: 'OTLP ingest (protobuf, real exporter)',
  async run(ctx: BenchContext) {
    const { otlpExporters, otlpBatchesPerExporter } = ctx.sizes;
    const prng = ctx.prng('otlp');
    const base = Date.now() - 3_600_000;
    log(`[10] generating ${fmt(otlpExporters * (otlpBatchesPerExporter + WARMUP_EXPORTS) * SPANS_PER_EXPORT)} spans for ${otlpExporters} exporters`);
    const work = Array.from({ length: otlpExporters }, (_, e) => batchesFor(e, otlpBatchesPerExporter + WARMUP_EXPORTS, base, prng));
    const dataDir = cleanup.tempDir('otlp');
    const server = await ServerProcess.start({ dataDir, keys: [INGEST_KEY], nodeArgs: ctx.childArgs('api-otlp') });
    try {
      const url = `http://127.0.0.1:${server.port}/v1/traces`;
      const exporters = work.map(() => new OTLPTraceExporter({ url, headers: { Authorization: `Bearer ${INGEST_KEY.key}` }, timeoutMillis: 120_000 }));
      const failed: string[] = [];
      const send = async (exporter: OTLPTraceExporter, spans: ReadableSpan[]) => {
        const result = await exportOnce(exporter, spans);
        if (result.code !== ExportResultCode.SUCCESS) failed.push(String(result.error));
      };
      await Promise.all(work.map((batches, e) => send(exporters[e]!, batches[0]!)));
      const spans = otlpExporters * otlpBatchesPerExporter * SPANS_PER_EXPORT;
      log(`[10] ${otlpExporters} exporters sending ${fmt(spans)} spans in batches of ${SPANS_PER_EXPORT}`);
      const latencies: number[] = [];
      const started = now();
      await Promise.all(
        work.map(async (batches, e) => {
          for (const batch of batches.slice(WARMUP_EXPORTS)) {
            const t = now();
            await send(exporters[e]!, batch);
            latencies.push(now() - t);
          }
        }),
      );
      const ms = now() - started;
      await Promise.all(exporters.map((exporter) => exporter.shutdown()));
      if (failed.length) throw new Error(`${failed.length} exports failed: ${failed[0]}`);
      const spanRate = perSecond(spans, ms);
      const eventRate = perSecond(spans * EVENTS_PER_SPAN, ms);
      log(`[10] ${fmt(spans)} spans in ${(ms / 1000).toFixed(1)} s: ${fmt(spanRate)} spans/s, ${fmt(eventRate)} events/s`);
      ctx.detail('10', { spans, events: spans * EVENTS_PER_SPAN, ms, spanRate, eventRate, exporters: otlpExporters, p50: percentile(latencies, 50), p95: percentile(latencies, 95) });
      const ingest = ctx.rows.find((r) => r.scenario === '3' && r.unit === 'events/s');
      ctx.add(
        row({
          scenario: '10',
          figure: `OTLP ingest, ${otlpExporters} protobuf exporters, batches of ${SPANS_PER_EXPORT} spans (${EVENTS_PER_SPAN} run events each)`,
          value: spanRate,
          unit: 'spans/s',
          note: `${fmt(spans)} spans`,
        }),
        row({
          scenario: '10',
          figure: 'OTLP ingest in run events, beside 3 (GraphQL)',
          value: eventRate,
          unit: 'events/s',
          ...(ingest?.value ? { target: { op: '>=' as const, value: ingest.value, label: `>= scenario 3 (${fmt(ingest.value)} events/s)` } } : {}),
        }),
        row({ scenario: '10', figure: 'OTLP export latency p50 / p95 (512 spans)', value: percentile(latencies, 50), unit: 'ms', note: `p95 ${fmt(percentile(latencies, 95))} ms` }),
      );
    } finally {
      await server.stop();
      cleanup.removeDir(dataDir);
    }
  },
};
