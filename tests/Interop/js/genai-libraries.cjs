// Makes one model call through a real provider SDK, traced by a real instrumentation library, against
// a fake provider with known usage, and exports the spans over OTLP/HTTP protobuf.
//
// usage: node genai-libraries.cjs --setup NAME --endpoint http://127.0.0.1:PORT [--key KEY]
//        node genai-libraries.cjs --list
//
// CommonJS on purpose: the instrumentation libraries patch the SDKs through require hooks.
// Prints exactly one line of JSON to stdout:
//   {"ok":true|false,"setup":..,"traceId":hex,"service":..,"error":string|null}
// and exits 0 only when the call and the export succeeded, 1 otherwise, 2 on bad arguments.

'use strict';

const http = require('node:http');
const { parseArgs } = require('node:util');

for (const name of Object.keys(process.env)) {
  if (name.startsWith('OTEL_')) delete process.env[name];
}

// The fake provider's usage. The sizes make every price component visible in cents.
const OPENAI_USAGE = {
  prompt_tokens: 1_200_000, // includes the cached tokens, as OpenAI counts them
  completion_tokens: 300_000,
  total_tokens: 1_500_000,
  prompt_tokens_details: { cached_tokens: 200_000 },
  completion_tokens_details: { reasoning_tokens: 0 },
};
const ANTHROPIC_USAGE = {
  input_tokens: 1_000_000, // excludes cache reads and writes, as Anthropic counts them
  output_tokens: 300_000,
  cache_read_input_tokens: 200_000,
  cache_creation_input_tokens: 100_000,
};
const EMBEDDING_USAGE = { prompt_tokens: 500_000, total_tokens: 500_000 };

// Each set-up: which SDK, which instrumentation, streamed or not, and which call.
const SETUPS = {
  'anthropic-sdk': { sdk: 'anthropic' },
  'anthropic-sdk-stream': { sdk: 'anthropic', stream: true },
  'openinference-anthropic': { sdk: 'anthropic', library: 'openinference' },
  'openinference-anthropic-stream': { sdk: 'anthropic', library: 'openinference', stream: true },
  // OpenLLMetry's Anthropic instrumentation patches classes that the 1.x SDK no longer has, so it
  // runs over the last 0.x SDK (which traces itself too); and once with that SDK's tracing off.
  'openllmetry-anthropic': { sdk: 'anthropic-0x', library: 'openllmetry' },
  'openllmetry-anthropic-alone': { sdk: 'anthropic-0x', library: 'openllmetry', sdkTracing: false },
  'openinference-openai': { sdk: 'openai', library: 'openinference' },
  'openinference-openai-stream': { sdk: 'openai', library: 'openinference', stream: true },
  'openinference-openai-embedding': { sdk: 'openai', library: 'openinference', call: 'embedding' },
  'openllmetry-openai': { sdk: 'openai', library: 'openllmetry' },
  'openllmetry-openai-stream': { sdk: 'openai', library: 'openllmetry', stream: true },
  'otel-openai': { sdk: 'openai', library: 'otel' },
};

function finish(ok, fields) {
  process.stdout.write(JSON.stringify({ ok, ...fields, error: fields.error ?? null }) + '\n', () => process.exit(ok ? 0 : 1));
}

let args;
try {
  args = parseArgs({
    options: { setup: { type: 'string' }, endpoint: { type: 'string' }, key: { type: 'string' }, list: { type: 'boolean' } },
    strict: true,
  }).values;
} catch (e) {
  process.stderr.write(e.message + '\n');
  process.exit(2);
}
if (args.list) {
  process.stdout.write(JSON.stringify(Object.keys(SETUPS)) + '\n');
  process.exit(0);
}
const setup = SETUPS[args.setup];
if (!setup || !args.endpoint) {
  process.stderr.write(`usage: node genai-libraries.cjs --setup ${Object.keys(SETUPS).join('|')} --endpoint URL [--key KEY]\n`);
  process.exit(2);
}

function sse(res, events) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const [name, data] of events) {
    res.write((name ? `event: ${name}\n` : '') + `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  }
  res.end();
}

function json(res, body) {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

// Answers the three calls the set-ups make, like the providers' APIs do.
function provider(req, res) {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const request = body ? JSON.parse(body) : {};
    if (req.url === '/v1/chat/completions') {
      const head = { id: 'chatcmpl-interop', created: 1767225600, model: 'gpt-4o-mini-2024-07-18' };
      if (!request.stream) {
        return json(res, { ...head, object: 'chat.completion', usage: OPENAI_USAGE,
          choices: [{ index: 0, message: { role: 'assistant', content: 'Hello.' }, finish_reason: 'stop' }] });
      }
      const chunk = (extra) => ({ ...head, object: 'chat.completion.chunk', ...extra });
      const events = [
        [null, chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: 'Hello.' }, finish_reason: null }] })],
        [null, chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })],
      ];
      if (request.stream_options?.include_usage) events.push([null, chunk({ choices: [], usage: OPENAI_USAGE })]);
      events.push([null, '[DONE]']);
      return sse(res, events);
    }
    if (req.url === '/v1/embeddings') {
      return json(res, { object: 'list', model: 'text-embedding-3-small', usage: EMBEDDING_USAGE,
        data: [{ object: 'embedding', index: 0, embedding: [0.25, -0.5, 0.125] }] });
    }
    if (req.url === '/v1/messages') {
      const message = { id: 'msg_interop', type: 'message', role: 'assistant', model: 'claude-haiku-4-5-20251001' };
      if (!request.stream) {
        return json(res, { ...message, content: [{ type: 'text', text: 'Hello.' }], stop_reason: 'end_turn', usage: ANTHROPIC_USAGE });
      }
      return sse(res, [
        ['message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...ANTHROPIC_USAGE, output_tokens: 1 } } }],
        ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
        ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello.' } }],
        ['content_block_stop', { type: 'content_block_stop', index: 0 }],
        ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: ANTHROPIC_USAGE.output_tokens } }],
        ['message_stop', { type: 'message_stop' }],
      ]);
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"not found"}}');
  });
}

function instrumentation(library, sdk) {
  switch (library) {
    case 'openinference':
      return sdk === 'openai'
        ? new (require('@arizeai/openinference-instrumentation-openai').OpenAIInstrumentation)()
        : new (require('@arizeai/openinference-instrumentation-anthropic').AnthropicInstrumentation)();
    case 'openllmetry':
      return sdk === 'openai'
        ? new (require('@traceloop/instrumentation-openai').OpenAIInstrumentation)()
        : new (require('@traceloop/instrumentation-anthropic').AnthropicInstrumentation)();
    case 'otel':
      return new (require('@opentelemetry/instrumentation-openai').OpenAIInstrumentation)();
    default:
      return null;
  }
}

async function call(setup, baseUrl, tracing) {
  if (setup.sdk === 'openai') {
    const { OpenAI } = require('openai');
    const client = new OpenAI({ apiKey: 'interop', baseURL: `${baseUrl}/v1`, maxRetries: 0 });
    if (setup.call === 'embedding') {
      await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello' });
    } else if (setup.stream) {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }], stream: true, stream_options: { include_usage: true } });
      for await (const _ of stream) { /* read to the end */ }
    } else {
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
    }
    return;
  }

  const module = require(setup.sdk === 'anthropic-0x' ? 'anthropic-sdk-0x' : '@anthropic-ai/sdk');
  if (tracing.library === 'openllmetry') tracing.instrumentation.manuallyInstrument(module);
  const client = new module.Anthropic({
    apiKey: 'interop', baseURL: baseUrl, maxRetries: 0,
    ...(setup.sdkTracing === false ? { openTelemetry: false } : {}),
  });
  const request = { model: 'claude-haiku-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'hello' }] };
  if (setup.stream) {
    const stream = await client.messages.create({ ...request, stream: true });
    for await (const _ of stream) { /* read to the end */ }
  } else {
    await client.messages.create(request);
  }
}

async function main() {
  const { trace } = require('@opentelemetry/api');
  const { resourceFromAttributes } = require('@opentelemetry/resources');
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');

  const service = `genai-${args.setup}`;
  const exporter = new OTLPTraceExporter({
    url: `${args.endpoint.replace(/\/+$/, '')}/v1/traces`,
    headers: args.key ? { authorization: `Bearer ${args.key}` } : {},
  });
  // The batch processor swallows a refused export; this records it so that the run fails.
  let exportFailure = null;
  const recording = {
    export(spans, done) {
      exporter.export(spans, (result) => {
        if (result.code !== 0) exportFailure = result.error ?? new Error('the export failed');
        done(result);
      });
    },
    forceFlush: () => exporter.forceFlush(),
    shutdown: () => exporter.shutdown(),
  };
  const tracerProvider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'tollgate.team': 'interop-team' }),
    spanProcessors: [new BatchSpanProcessor(recording)],
  });
  tracerProvider.register();

  // Instrumentations hook require(), so they are enabled before the SDK is first loaded.
  const library = setup.library ?? null;
  const instance = instrumentation(library, setup.sdk === 'openai' ? 'openai' : 'anthropic');
  if (instance) {
    instance.setTracerProvider(tracerProvider);
    instance.enable();
  }

  const server = http.createServer(provider);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${server.address().port}`;

  const tracer = trace.getTracer('tollgate-interop');
  let traceId = null;
  let failure = null;
  await tracer.startActiveSpan(`handle ${args.setup}`, { attributes: { 'tollgate.feature': args.setup } }, async (root) => {
    traceId = root.spanContext().traceId;
    try {
      await call(setup, baseUrl, { library, instrumentation: instance });
    } catch (e) {
      failure = e;
    } finally {
      root.end();
    }
  });

  server.close();
  await tracerProvider.forceFlush();
  await tracerProvider.shutdown();
  failure ??= exportFailure;
  if (failure) return finish(false, { setup: args.setup, traceId, service, error: String(failure.message ?? failure) });
  finish(true, { setup: args.setup, traceId, service });
}

main().catch((e) => finish(false, { setup: args.setup, error: String(e?.message ?? e) }));
