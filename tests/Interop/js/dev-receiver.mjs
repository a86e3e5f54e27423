// A throw-away OTLP receiver for trying send-spans.mjs by hand. Loopback only.
//
// usage: node dev-receiver.mjs [--http-port N] [--grpc-port N] [--key KEY] [--status CODE]
//
//   --http-port  OTLP/HTTP (HTTP/1.1) port, default 0 (any free port)
//   --grpc-port  OTLP/gRPC (cleartext HTTP/2) port, default 0 (any free port)
//   --key        when given, requests without "Authorization: Bearer KEY" are refused
//                (HTTP 401; gRPC status 16 UNAUTHENTICATED)
//   --status     answer every OTLP/HTTP request with this HTTP status (e.g. 401)
//
// Prints one JSON line when listening ({"listening":{"http":PORT,"grpc":PORT}}) and one JSON line
// per request (path, content-type, content-encoding, authorization, body length, answer).
// Success answers are empty OTLP responses: an empty protobuf body, `{}` for JSON, and for gRPC
// an empty length-prefixed message followed by the trailer grpc-status 0.

import http from 'node:http';
import http2 from 'node:http2';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    'http-port': { type: 'string', default: '0' },
    'grpc-port': { type: 'string', default: '0' },
    key: { type: 'string' },
    status: { type: 'string' },
  },
});

const HOST = '127.0.0.1';
const GRPC_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const log = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const authorized = (header) => args.key === undefined || header === `Bearer ${args.key}`;

function readBody(stream) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function tryGunzip(buffer) {
  try {
    return zlib.gunzipSync(buffer);
  } catch {
    return null;
  }
}

// Number of spans in an OTLP JSON request, or null when the body is not OTLP JSON.
function countJsonSpans(buffer) {
  try {
    const doc = JSON.parse(buffer.toString('utf8'));
    let n = 0;
    for (const rs of doc.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) n += (ss.spans ?? []).length;
    return n;
  } catch {
    return null;
  }
}

const httpServer = http.createServer(async (req, res) => {
  const body = await readBody(req);
  const contentType = req.headers['content-type'] ?? null;
  const contentEncoding = req.headers['content-encoding'] ?? null;
  const plain = contentEncoding === 'gzip' ? tryGunzip(body) : body;
  const isJson = (contentType ?? '').startsWith('application/json');

  let status = 200;
  if (args.status !== undefined) status = Number(args.status);
  else if (req.method !== 'POST' || req.url !== '/v1/traces') status = 404;
  else if (!authorized(req.headers.authorization)) status = 401;

  log({
    transport: 'http', method: req.method, path: req.url, contentType, contentEncoding,
    authorization: req.headers.authorization ?? null, bodyLength: body.length,
    decodedLength: plain ? plain.length : null,
    jsonSpans: isJson && plain ? countJsonSpans(plain) : undefined,
    status,
  });

  if (status === 200) {
    const answer = isJson ? Buffer.from('{}') : Buffer.alloc(0);
    res.writeHead(200, {
      'content-type': isJson ? 'application/json' : 'application/x-protobuf',
      'content-length': answer.length,
    });
    res.end(answer);
  } else {
    const answer = Buffer.from(JSON.stringify({ code: status, message: http.STATUS_CODES[status] ?? 'error' }));
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': answer.length });
    res.end(answer);
  }
});

const grpcServer = http2.createServer();
grpcServer.on('stream', async (stream, headers) => {
  const body = await readBody(stream);
  const path = headers[':path'];
  const authorization = headers.authorization ?? null;
  // gRPC framing: 1 byte compressed flag, 4 bytes big-endian length, then the message.
  const compressedFlag = body.length >= 5 ? body[0] : null;
  const messageLength = body.length >= 5 ? body.readUInt32BE(1) : null;

  let grpcStatus = 0;
  let grpcMessage = null;
  if (path !== GRPC_PATH) [grpcStatus, grpcMessage] = [12, `unknown method ${path}`];
  else if (!authorized(authorization)) [grpcStatus, grpcMessage] = [16, 'missing or unknown key'];

  log({
    transport: 'grpc', path, contentType: headers['content-type'] ?? null,
    grpcEncoding: headers['grpc-encoding'] ?? null, authorization, bodyLength: body.length,
    compressedFlag, messageLength, grpcStatus,
  });

  if (grpcStatus === 0) {
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(Buffer.from([0, 0, 0, 0, 0]));
  } else {
    // Trailers-only answer: the status travels in the headers and ends the stream.
    stream.respond({
      ':status': 200, 'content-type': 'application/grpc',
      'grpc-status': String(grpcStatus), 'grpc-message': encodeURIComponent(grpcMessage),
    }, { endStream: true });
  }
});

const listen = (server, port) => new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(Number(port), HOST, () => resolve(server.address().port));
});

const httpPort = await listen(httpServer, args['http-port']);
const grpcPort = await listen(grpcServer, args['grpc-port']);
log({ listening: { host: HOST, http: httpPort, grpc: grpcPort } });

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    httpServer.close();
    grpcServer.close();
    process.exit(0);
  });
}
