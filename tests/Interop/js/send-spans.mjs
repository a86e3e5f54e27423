// Sends GenAI spans to an OTLP endpoint with the real OpenTelemetry JavaScript SDK and exporters.
//
// usage: node send-spans.mjs --protocol proto|json|grpc --endpoint http://127.0.0.1:PORT
//                            [--key KEY] [--gzip] [--traces N]
//
// Prints exactly one line of JSON to stdout:
//   {"ok":true|false,"protocol":..,"traces":N,"traceIds":[hex...],"error":string|null}
// and exits 0 only when every export call succeeded, 1 otherwise, 2 on bad arguments.

import { parseArgs } from 'node:util';

// The program's behaviour is fixed by its arguments: ignore OTLP exporter settings inherited from
// the environment (the exporters would otherwise merge e.g. OTEL_EXPORTER_OTLP_HEADERS).
for (const name of Object.keys(process.env)) {
  if (name.startsWith('OTEL_EXPORTER_OTLP_')) delete process.env[name];
}

const { context, trace, SpanKind } = await import('@opentelemetry/api');
const { ExportResultCode } = await import('@opentelemetry/core');
const { resourceFromAttributes } = await import('@opentelemetry/resources');
const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');

const PROTOCOLS = ['proto', 'json', 'grpc'];
let protocol = null;
let traces = 1;

function finish(ok, traceIds, error) {
  const line = JSON.stringify({ ok, protocol, traces, traceIds, error: error ?? null }) + '\n';
  process.stdout.write(line, () => process.exit(ok ? 0 : 1));
}

function usage(message) {
  process.stderr.write(
    `${message}\nusage: node send-spans.mjs --protocol proto|json|grpc --endpoint http://127.0.0.1:PORT [--key KEY] [--gzip] [--traces N]\n`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      protocol: { type: 'string' },
      endpoint: { type: 'string' },
      key: { type: 'string' },
      gzip: { type: 'boolean', default: false },
      traces: { type: 'string', default: '1' },
    },
    strict: true,
  }).values;
} catch (e) {
  usage(e.message);
}

protocol = args.protocol;
if (!PROTOCOLS.includes(protocol)) usage(`--protocol must be one of ${PROTOCOLS.join(', ')}`);
if (!args.endpoint) usage('--endpoint is required');
if (!/^[1-9][0-9]*$/.test(args.traces)) usage('--traces must be a positive integer');
traces = Number(args.traces);
const endpoint = args.endpoint.replace(/\/+$/, '');
const compression = args.gzip ? 'gzip' : 'none';

async function createExporter() {
  const headers = args.key !== undefined ? { Authorization: `Bearer ${args.key}` } : {};
  switch (protocol) {
    case 'proto': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
      return new OTLPTraceExporter({ url: `${endpoint}/v1/traces`, headers, compression });
    }
    case 'json': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      return new OTLPTraceExporter({ url: `${endpoint}/v1/traces`, headers, compression });
    }
    case 'grpc': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-grpc');
      const { Metadata } = await import('@grpc/grpc-js');
      const metadata = new Metadata();
      if (args.key !== undefined) metadata.set('authorization', `Bearer ${args.key}`);
      return new OTLPTraceExporter({ url: endpoint, metadata, compression });
    }
  }
}

function describeError(error) {
  if (error == null) return 'export failed without an error';
  let text = error.message || String(error);
  if (error.code !== undefined && !text.includes(String(error.code))) text = `${error.code} ${text}`;
  if (typeof error.data === 'string' && error.data.length > 0) text += `: ${error.data.slice(0, 500)}`;
  return text;
}

// Forwards to the real exporter and records the result of every export call.
class RecordingExporter {
  constructor(inner) {
    this.inner = inner;
    this.results = [];
  }
  export(spans, resultCallback) {
    this.inner.export(spans, (result) => {
      this.results.push({ spans: spans.length, code: result.code, error: result.error });
      resultCallback(result);
    });
  }
  forceFlush() {
    return this.inner.forceFlush ? this.inner.forceFlush() : Promise.resolve();
  }
  shutdown() {
    return this.inner.shutdown();
  }
}

const traceIds = [];
const watchdog = setTimeout(() => finish(false, traceIds, 'timed out after 60 s'), 60_000);
watchdog.unref();

try {
  const exporter = new RecordingExporter(await createExporter());
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'js-interop', 'tollgate.team': 'js-team' }),
    // A queue large enough for every span, so none is dropped before the flush.
    spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: Math.max(2048, traces * 3) })],
  });
  const tracer = provider.getTracer('tollgate-js-interop', '1.0.0');

  for (let i = 0; i < traces; i++) {
    // Explicit times, in the recent past: the SDK's own clock truncates start times to the
    // millisecond, which could make a child end after its parent when spans are this short.
    const t0 = Date.now() - 1000;
    const at = (ms) => new Date(t0 + ms);

    const root = tracer.startSpan('invoke_agent support-bot', {
      kind: SpanKind.INTERNAL,
      startTime: at(0),
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'support-bot',
        'tollgate.feature': 'js-feature',
        'tollgate.customer': 'acme',
      },
    });
    const parent = trace.setSpan(context.active(), root);

    const openai = tracer.startSpan('chat gpt-4o-mini', {
      kind: SpanKind.CLIENT,
      startTime: at(10),
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 300,
        'gen_ai.usage.cache_read.input_tokens': 200,
      },
    }, parent);
    openai.end(at(410));

    const anthropic = tracer.startSpan('chat claude-haiku-4-5', {
      kind: SpanKind.CLIENT,
      startTime: at(420),
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.request.model': 'claude-haiku-4-5',
        'gen_ai.usage.input_tokens': 800,
        'gen_ai.usage.output_tokens': 150,
        'gen_ai.usage.reasoning.output_tokens': 50,
        'gen_ai.usage.cache_creation.input_tokens': 100,
      },
    }, parent);
    anthropic.end(at(720));

    root.end(at(730));
    traceIds.push(root.spanContext().traceId);
  }

  let flushError = null;
  try {
    await provider.forceFlush();
  } catch (e) {
    flushError = e;
  }
  try {
    await provider.shutdown();
  } catch (e) {
    flushError ??= e;
  }

  const failures = exporter.results.filter((r) => r.code !== ExportResultCode.SUCCESS);
  const exported = exporter.results.reduce((n, r) => n + r.spans, 0);
  let error = null;
  if (failures.length > 0) {
    error = [...new Set(failures.map((f) => describeError(f.error)))].join('; ');
  } else if (flushError) {
    error = `flush/shutdown failed: ${describeError(flushError)}`;
  } else if (exported !== traces * 3) {
    error = `only ${exported} of ${traces * 3} spans reached an export call`;
  }
  finish(error === null, traceIds, error);
} catch (e) {
  finish(false, traceIds, describeError(e));
}
