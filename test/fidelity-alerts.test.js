'use strict';
// A hostile server, against the built-in client as the reference: alerts of
// every level and of many descriptions at every step of the handshake
// (answering the ClientHello, and in place of each record a real server
// sends, TLS 1.2 and 1.3), truncated, oversized and unknown records,
// resets; then, after a TLS 1.3 handshake, a KeyUpdate with an invalid
// update type, encrypted under the server's traffic key: the client's
// alert must reach the peer before the connection closes, whatever the
// application does on the error. Each client error is compared whole.

const net = require('net');
const {
  assert, uvtls, builtin, HOST, fx, cleanup, trackServer, trackSocket, serverCreds, delay,
} = require('./helpers');
const { errorView } = require('./support/fidelity-compare');
const { CONTENT, record, alertRecord, recordProxy, protection, secretsFrom } = require('./support/fidelity-wire');

const WARNING = 1;
const FATAL = 2;
// close_notify, unexpected_message, bad_record_mac, handshake_failure,
// bad_certificate, illegal_parameter, unknown_ca, decode_error,
// protocol_version, internal_error, user_canceled, no_renegotiation,
// unrecognized_name, an unassigned one.
const DESCRIPTIONS = [0, 10, 20, 40, 42, 47, 48, 50, 70, 80, 90, 100, 112, 255];

// What a client of `impl` reports against a server on `port` within `ms`
// (or until it closes): its events in order, its first error whole.
function clientOutcome(impl, port, ms, options = {}) {
  return new Promise((resolve) => {
    const events = [];
    let error = null;
    let finished = false;
    const socket = trackSocket(impl.connect({ host: HOST, port, ca: fx.ca, servername: 'localhost', ...options }));
    for (const name of ['secureConnect', 'end', 'close']) socket.on(name, () => finished || events.push(name));
    socket.on('error', (err) => {
      if (finished) return;
      events.push('error');
      if (!error) error = errorView(err);
    });
    // What happened within `ms` (what destroy() then sets off is not seen).
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      resolve({ events, error });
      socket.destroy();
    };
    const timer = setTimeout(done, ms);
    socket.on('close', () => setImmediate(done));
  });
}

// A raw server that answers the ClientHello with `bytes`, then `after`:
// 'end' (FIN), 'destroy' or 'keep' (the connection stays open).
async function rawServer(bytes, after) {
  const server = trackServer(net.createServer((s) => {
    s.on('error', () => {});
    s.once('data', () => {
      s.write(bytes);
      if (after === 'end') s.end();
      else if (after === 'destroy') setImmediate(() => s.destroy());
    });
  }));
  await new Promise((resolve) => server.listen(0, HOST, resolve));
  return server.address().port;
}

// Where uvtls means to differ (README): an alert the built-in drops (a
// fatal close_notify, a fatal alert OpenSSL has no name for, "reason(1255)")
// while the connection stays open leaves the built-in client waiting for
// the end of the stream; uvtls takes it for the end of the stream at once,
// with the error the built-in gives then.
function endsEarlyByChoice(level, description, after) {
  return level === FATAL && (description === 0 || description === 255) && after === 'keep';
}

function endsAtOnce(actual, expected, port) {
  if (expected.error !== null || expected.events.length !== 0) return false;
  assert.deepStrictEqual(actual.events, ['end', 'error', 'close']);
  assert.strictEqual(actual.error.code, 'ECONNRESET');
  assert.strictEqual(actual.error.message,
                     'Client network socket disconnected before secure TLS connection was established');
  assert.strictEqual(actual.error.own.port[1], port);
  return true;
}

// A connection the server ends is watched until it closes (within a bound
// far above any loaded machine's handshake); one it keeps open, for a
// window long enough to see the error a client raises.
const UNTIL_CLOSED = 10000;
const KEPT_OPEN = 800;

async function compare(port, what, choice, ms = UNTIL_CLOSED) {
  const expected = await clientOutcome(builtin, port, ms);
  const actual = await clientOutcome(uvtls, port, ms);
  if (choice && endsAtOnce(actual, expected, port)) return expected;
  assert.deepStrictEqual(actual, expected, what);
  return expected;
}

describe('fidelity: a hostile server', function() {
  this.timeout(30000);
  afterEach(cleanup);

  describe('an alert answering the ClientHello', function() {
    for (const after of ['end', 'destroy', 'keep']) {
      for (const level of [WARNING, FATAL]) {
        for (const description of DESCRIPTIONS) {
          it(`${level === WARNING ? 'warning' : 'fatal'} ${description}, then ${after}`, async function() {
            const port = await rawServer(alertRecord(level, description), after);
            await compare(port, `alert ${level}/${description}`, endsEarlyByChoice(level, description, after),
                          after === 'keep' ? KEPT_OPEN : UNTIL_CLOSED);
          });
        }
      }
    }
  });

  describe('records a real server sends, replaced', function() {
    // A proxy to a built-in server that replaces the server's record number
    // `index` with `bytes` and ends the connection there.
    async function replacing(maxVersion, index, bytes) {
      const server = trackServer(builtin.createServer({ ...serverCreds(), maxVersion }));
      server.on('tlsClientError', () => {});
      await new Promise((resolve) => server.listen(0, HOST, resolve));
      const proxy = await recordProxy(server.address().port, {
        onServerRecord(r, ctx) {
          const n = ctx.fromServer.length - 1;
          if (n < index) return undefined;
          if (n === index) {
            setImmediate(() => ctx.client.end());
            return [bytes];
          }
          return [];
        },
      });
      return proxy;
    }

    const REPLACEMENTS = [
      ['a warning close_notify', alertRecord(WARNING, 0)],
      ['a fatal close_notify', alertRecord(FATAL, 0)],
      ['a warning unexpected_message', alertRecord(WARNING, 10)],
      ['a fatal handshake_failure', alertRecord(FATAL, 40)],
      ['a warning user_canceled', alertRecord(WARNING, 90)],
      ['a warning no_renegotiation', alertRecord(WARNING, 100)],
      ['a fatal decode_error', alertRecord(FATAL, 50)],
      ['half of a record header', Buffer.from([CONTENT.handshake, 3])],
      ['a record header claiming 16 KiB, and nothing', Buffer.from([CONTENT.handshake, 3, 3, 0x40, 0])],
      ['an oversized record (18433 bytes)', record(CONTENT.handshake, Buffer.alloc(18433, 1))],
      ['a record of an unknown content type', record(99, Buffer.alloc(8, 1))],
      ['an empty handshake record', record(CONTENT.handshake, Buffer.alloc(0))],
      ['application data', record(CONTENT.application_data, Buffer.alloc(40, 7))],
    ];

    for (const maxVersion of ['TLSv1.2', 'TLSv1.3']) {
      for (const index of [0, 1, 2, 3]) {
        for (const [name, bytes] of REPLACEMENTS) {
          it(`${maxVersion}: ${name} in place of server record ${index}`, async function() {
            const proxy = await replacing(maxVersion, index, bytes);
            try {
              await compare(proxy.port, `${name} at ${index}`, false);
            } finally {
              await proxy.close();
            }
          });
        }
      }
    }

    it('a reset after the ClientHello', async function() {
      const server = trackServer(net.createServer((s) => {
        s.on('error', () => {});
        s.once('data', () => s.resetAndDestroy());
      }));
      await new Promise((resolve) => server.listen(0, HOST, resolve));
      await compare(server.address().port, 'reset', false);
    });
  });

  describe('an invalid KeyUpdate after a TLS 1.3 handshake', function() {
    // A proxy to a built-in TLS 1.3 server; once the client is secure, the
    // proxy sends it a KeyUpdate with update type 5 under the server's
    // traffic key, then waits for the client's alert (the client's records
    // opened with its own traffic key) until the client closes.
    async function conversation(impl, port, proxy, { onError, afterInjection }) {
      const lines = [];
      const client = trackSocket(impl.connect({
        host: HOST, port, ca: fx.ca, servername: 'localhost', ciphers: 'TLS_AES_128_GCM_SHA256',
      }));
      client.on('keylog', (line) => lines.push(line));
      const failed = new Promise((resolve) => client.once('error', (err) => {
        onError(client);
        resolve(err);
      }));
      await new Promise((resolve) => client.once('secureConnect', resolve));
      client.resume();
      await delay(15);
      const ctx = proxy.conversations.find((c) => c.client.remotePort === client.localPort);
      const server = protection(secretsFrom(lines).SERVER_TRAFFIC_SECRET_0);
      for (const r of ctx.fromServer) if (r.type === CONTENT.application_data) server.open(r.bytes);
      ctx.keepClient = true;
      ctx.client.write(server.seal(CONTENT.handshake, Buffer.from([24, 0, 0, 1, 5])));
      afterInjection(ctx, client);
      const err = await Promise.race([failed, delay(2000).then(() => null)]);
      await Promise.race([
        new Promise((resolve) => (ctx.clientClosedAt ? resolve() : ctx.client.once('close', resolve))),
        delay(300),
      ]);
      client.destroy();
      ctx.client.destroy();
      const own = protection(secretsFrom(lines).CLIENT_TRAFFIC_SECRET_0);
      let alert = null;
      for (const r of ctx.fromClient) {
        if (r.type !== CONTENT.application_data) continue;
        const opened = own.open(r.bytes);
        if (opened && opened.type === CONTENT.alert) alert = [...opened.plaintext];
      }
      return { error: errorView(err), alert };
    }

    async function run(impl, count, variant) {
      const server = trackServer(builtin.createServer({
        ...serverCreds(), ciphers: 'TLS_AES_128_GCM_SHA256', minVersion: 'TLSv1.3',
      }, (s) => s.on('error', () => {})));
      await new Promise((resolve) => server.listen(0, HOST, resolve));
      const proxy = await recordProxy(server.address().port);
      const results = [];
      const one = () => conversation(impl, proxy.port, proxy, variant);
      if (variant.parallel) {
        results.push(...await Promise.all(Array.from({ length: count }, one)));
      } else {
        for (let i = 0; i < count; i++) results.push(await one());
      }
      await proxy.close();
      server.close();
      return results;
    }

    const VARIANTS = {
      'the application destroys the socket on the error': {
        onError: (socket) => socket.destroy(), afterInjection() {},
      },
      'the application leaves the socket open': {
        onError() {}, afterInjection() {},
      },
      'the server ends right after the KeyUpdate': {
        onError: (socket) => socket.destroy(), afterInjection: (ctx) => ctx.client.end(),
      },
      'twenty conversations at once': {
        onError: (socket) => socket.destroy(), afterInjection() {}, parallel: true,
      },
    };

    for (const [name, variant] of Object.entries(VARIANTS)) {
      it(`${name}: the alert reaches the peer before the close`, async function() {
        const count = variant.parallel ? 20 : 30;
        const expected = await run(builtin, count, variant);
        const actual = await run(uvtls, count, variant);
        // The built-in sends illegal_parameter (under load, on some
        // releases, not always: uvtls must, every time).
        const sent = expected.filter((r) => r.alert !== null);
        assert.ok(sent.length > count / 2, `the built-in sent ${sent.length} of ${count} alerts`);
        for (const r of sent) assert.deepStrictEqual(r.alert, [FATAL, 47]);
        for (const [i, r] of actual.entries()) {
          assert.deepStrictEqual(r.alert, [FATAL, 47], `conversation ${i}: the alert`);
          assert.deepStrictEqual(r.error, expected[0].error, `conversation ${i}: the error`);
        }
      });
    }
  });
});
