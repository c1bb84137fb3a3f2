'use strict';
// Programs the framework specs run in a child process, with and without
// the uvtls/register switch. Each prints one line of JSON: what it got, and
// (from PROBE, see frameworks-http.js) which TLS carried its connections.
// The same body serves the CommonJS and the ES module program.

const { PROBE, PROBE_ESM } = require('./frameworks-http');

function commonJS(body, requires = '') {
  return `'use strict';\n${PROBE}\n${requires}\n(async () => {\n${body}\n})().then(\n` +
    '  (out) => { console.log(JSON.stringify(out)); process.exit(0); },\n' +
    '  (err) => { console.error(err); process.exit(1); });\n';
}

function esModule(body, imports = '') {
  return `${PROBE_ESM}\n${imports}\nconst out = await (async () => {\n${body}\n})();\n` +
    'console.log(JSON.stringify(out));\nprocess.exit(0);\n';
}

// Global fetch against argv[2] (an https origin serving the frameworks
// app): a GET, a POST of 300 KiB and a 1 MiB response, on one kept-alive
// connection. Then, with `fail` as argv[3], a fetch that must fail (the
// caller arranges the cause), reported as name, message and cause.
const FETCH = `
const crypto = require('crypto');
const [base, mode] = process.argv.slice(2);
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');
const seen = (res) => ({ status: res.status, type: res.headers.get('content-type'),
                         nth: res.headers.get('x-nth'), peerPort: res.headers.get('x-peer-port') });
if (mode === 'fail') {
  try {
    await fetch(base + '/item/1');
    return { ok: true };
  } catch (err) {
    const cause = err.cause && { name: err.cause.name, code: err.cause.code, message: err.cause.message };
    return { name: err.name, message: err.message, cause, sockets: uvtlsSockets(), errors: uvtlsErrors(),
             wraps: nodeTcpWraps() };
  }
}
const info = await fetch(base + '/info?via=fetch', { headers: { 'X-Custom': 'f1' } });
const out = { info: { ...seen(info), body: await info.json() } };
const payload = Buffer.from(Array.from({ length: 300 * 1024 }, (_, i) => (i * 31) % 251));
const echo = await fetch(base + '/echo', {
  method: 'POST', body: payload, headers: { 'Content-Type': 'application/octet-stream' },
});
out.echo = { ...seen(echo), body: await echo.json(), sent: sha256(payload) };
const big = await fetch(base + '/big');
out.big = { ...seen(big), sha256: sha256(Buffer.from(await big.arrayBuffer())) };
out.sockets = uvtlsSockets();
out.wraps = nodeTcpWraps();
return out;
`;


// got with `http2: true` against argv[2] (an https origin serving the
// HTTP/2 app of frameworks-http2.test.js), trusting the CA in argv[3]: a
// GET, ten at once, a POST of 300 KiB.
const GOT_HTTP2 = `
const crypto = require('crypto');
const fs = require('fs');
const [base, caFile] = process.argv.slice(2);
const { default: got } = await import('got');
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');
const options = {
  http2: true, https: { certificateAuthority: fs.readFileSync(caFile) },
  retry: { limit: 0 }, timeout: { request: 10000 },
};
const info = await got(base + '/info?via=got', { ...options, headers: { 'x-custom': 'g1' } });
const out = { info: { httpVersion: info.httpVersion, status: info.statusCode,
                      type: info.headers['content-type'], body: JSON.parse(info.body) } };
out.items = await Promise.all(Array.from({ length: 10 }, (_, i) => got(base + '/item/' + i, options).json()));
const payload = Buffer.from(Array.from({ length: 300 * 1024 }, (_, i) => (i * 7) % 253));
const echo = await got.post(base + '/echo', { ...options, body: payload }).json();
out.echo = { ...echo, sent: sha256(payload) };
out.sockets = uvtlsSockets();
out.wraps = nodeTcpWraps();
return out;
`;

// grpc-js server and client in one program, over mutual TLS: a unary call
// with 1 MiB, a server stream, a bidirectional stream; what each side saw
// of the other's certificate. argv: the fixtures directory and a mode:
// 'ok', or 'no-client-cert' / 'wrong-ca' (the call must fail: its code and
// details).
const GRPC_PROTO = `syntax = "proto3";
package uvtlstest;
service Echo {
  rpc Unary (Msg) returns (Msg);
  rpc Count (Msg) returns (stream Msg);
  rpc Chat (stream Msg) returns (stream Msg);
}
message Msg { string text = 1; int32 n = 2; bytes blob = 3; }
`;
const GRPC = `
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const tls = require('tls');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const [fixtures, mode] = process.argv.slice(2);
const file = (name) => fs.readFileSync(path.join(fixtures, name));
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');
const summary = (c) => c && c.raw ? {
  subject: { ...c.subject }, issuer: { ...c.issuer }, serialNumber: c.serialNumber,
  fingerprint256: c.fingerprint256, raw: sha256(c.raw) } : c;
const auth = (call) => {
  const a = call.getAuthContext();
  return a && { transportSecurityType: a.transportSecurityType, cert: summary(a.sslPeerCertificate) };
};
const { uvtlstest } = grpc.loadPackageDefinition(protoLoader.loadSync('echo.proto', {}));
const serverSaw = [];
const server = new grpc.Server();
server.addService(uvtlstest.Echo.service, {
  Unary(call, callback) {
    serverSaw.push({ method: 'Unary', auth: auth(call) });
    callback(null, { text: call.request.text.toUpperCase(), n: call.request.n + 1,
                     blob: Buffer.from(sha256(call.request.blob)) });
  },
  Count(call) {
    serverSaw.push({ method: 'Count', auth: auth(call) });
    for (let i = 0; i < call.request.n; i++) call.write({ text: call.request.text + i, n: i });
    call.end();
  },
  Chat(call) {
    serverSaw.push({ method: 'Chat', auth: auth(call) });
    call.on('data', (m) => call.write({ text: [...m.text].reverse().join(''), n: m.n * 2 }));
    call.on('end', () => call.end());
  },
});
const port = await new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0',
  grpc.ServerCredentials.createSsl(file('ca.pem'),
    [{ private_key: file('server.key'), cert_chain: file('server.pem') }], true),
  (err, p) => (err ? reject(err) : resolve(p))));
const clientSaw = [];
const credentials = grpc.credentials.createSsl(
  file(mode === 'wrong-ca' ? 'other-ca.pem' : 'ca.pem'),
  mode === 'no-client-cert' ? null : file('client.key'),
  mode === 'no-client-cert' ? null : file('client.pem'),
  { checkServerIdentity(host, cert) { clientSaw.push({ host, cert: summary(cert) }); return tls.checkServerIdentity(host, cert); } });
const client = new uvtlstest.Echo('127.0.0.1:' + port, credentials, {
  'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost',
});
const deadline = () => Date.now() + 10000;
const out = {};
try {
  const blob = Buffer.from(Array.from({ length: 1024 * 1024 }, (_, i) => (i * 13) % 251));
  const unary = await new Promise((resolve, reject) => client.Unary({ text: 'hi', n: 41, blob },
    { deadline: deadline() }, (err, res) => (err ? reject(err) : resolve(res))));
  out.unary = { text: unary.text, n: unary.n, blob: String(unary.blob), sent: sha256(blob) };
  out.count = await new Promise((resolve, reject) => {
    const got = [];
    const call = client.Count({ text: 'c', n: 5 }, { deadline: deadline() });
    call.on('data', (m) => got.push([m.text, m.n]));
    call.on('error', reject);
    call.on('end', () => resolve(got));
  });
  out.chat = await new Promise((resolve, reject) => {
    const got = [];
    const call = client.Chat({ deadline: deadline() });
    call.on('data', (m) => got.push([m.text, m.n]));
    call.on('error', reject);
    call.on('end', () => resolve(got));
    for (const [text, n] of [['abc', 1], ['uvtls', 2], ['', 3]]) call.write({ text, n });
    call.end();
  });
} catch (err) {
  // Without the moment and OpenSSL's thread number.
  const details = err.details.replace(/\\(\\d{4}-[^)]*\\)/g, '(time)').replace(/\\b[0-9A-F]{8,}:error:/g, 'error:');
  out.error = { code: err.code, details };
}
client.close();
server.forceShutdown();
Object.assign(out, { serverSaw, clientSaw, sockets: uvtlsSockets(), errors: uvtlsErrors(), wraps: nodeTcpWraps() });
return out;
`;

module.exports = {
  fetchProgram: { cjs: commonJS(FETCH), esm: esModule(FETCH) },
  gotHttp2Program: commonJS(GOT_HTTP2),
  grpcProgram: commonJS(GRPC),
  GRPC_PROTO,
  commonJS,
  esModule,
};
