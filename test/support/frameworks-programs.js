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
    return { name: err.name, message: err.message, cause, sockets: uvtlsSockets(), wraps: nodeTcpWraps() };
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

module.exports = {
  fetchProgram: { cjs: commonJS(FETCH), esm: esModule(FETCH) },
  commonJS,
  esModule,
};
