'use strict';

// AbortSignal on tls.connect() and new TLSSocket(): aborted before, during
// and after the connection, compared whole with the built-in (the events in
// order, the error's name, code, constructor and message).

const assert = require('assert');
const h = require('./helpers');

function record(sock) {
  const events = [];
  return new Promise((resolve) => {
    for (const name of ['connect', 'secureConnect', 'error', 'close']) {
      sock.on(name, (arg) => {
        events.push(name === 'error' ? {
          error: arg.name, code: arg.code, constructor: arg.constructor.name, message: arg.message,
        } : name);
        if (name === 'close') resolve(events);
      });
    }
  });
}

async function both(run) {
  const server = await h.startServer(h.builtin, h.serverCreds());
  const port = server.address().port;
  const results = [];
  for (const impl of [h.uvtls, h.builtin]) results.push(await h.withTimeout(run(impl, port), 10000, 'close'));
  return results;
}

describe('fidelity: AbortSignal', function () {
  afterEach(h.cleanup);

  // The built-in emits the AbortError and 'close', then connects anyway and
  // aborts the process when the server answers (Node 20-26): uvtls stops
  // at the error, with the built-in's AbortError.
  it('tls.connect() with a signal aborted already: the error and close, no connection', async function () {
    const server = await h.startServer(h.builtin, h.serverCreds());
    let connections = 0;
    server.on('connection', () => connections++);
    const sock = h.uvtls.connect({
      port: server.address().port, host: h.HOST, rejectUnauthorized: false, signal: AbortSignal.abort(),
    });
    const events = await h.withTimeout(record(sock), 5000, 'close');
    const expected = await new Promise((resolve) => {
      const probe = new h.builtin.TLSSocket(null, { signal: AbortSignal.abort() });
      probe.on('error', (err) => resolve({
        error: err.name, code: err.code, constructor: err.constructor.name, message: err.message,
      }));
    });
    assert.deepStrictEqual(events, [expected, 'close']);
    await h.delay(200);
    assert.strictEqual(connections, 0);
  });

  it('tls.connect() aborted while connecting, and after the handshake', async function () {
    for (const when of ['connecting', 'secure']) {
      const [uv, builtin] = await both((tls, port) => {
        const controller = new AbortController();
        const sock = tls.connect({ port, host: h.HOST, rejectUnauthorized: false, signal: controller.signal });
        const done = record(sock);
        if (when === 'connecting') controller.abort();
        else sock.on('secureConnect', () => controller.abort(new Error('enough')));
        return done;
      });
      assert.deepStrictEqual(uv, builtin, when);
    }
  });

  it('new TLSSocket(null, { signal }) aborted already', function () {
    const shapes = [h.uvtls, h.builtin].map((tls) => {
      const events = [];
      const sock = new tls.TLSSocket(null, { signal: AbortSignal.abort() });
      sock.on('error', (err) => events.push([err.name, err.code]));
      return { destroyed: sock.destroyed, events };
    });
    assert.deepStrictEqual(shapes[0], shapes[1]);
  });
});
