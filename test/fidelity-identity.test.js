'use strict';
// checkServerIdentity against the running built-in, on random inputs from
// a seed (UVTLS_FUZZ_SEED; UVTLS_FUZZ_IDENTITY inputs, 100,000 unless
// told): uvtls's exported function, and the check a uvtls client makes at
// the end of its handshake (a fast path on the parsed leaf's
// subjectAltName, the whole certificate when that does not settle it).
// Every outcome is compared whole: the value returned, or the error
// returned or thrown with its constructor, name, message, code and own
// properties. Then through real connections, with certificates whose alt
// names hold what Node writes quoted.

const net = require('net');
const { X509Certificate } = require('crypto');
const {
  assert, uvtls, builtin, HOST, cleanup, tmpDir, trackServer, trackSocket, needOpenssl,
} = require('./helpers');
const { outcome, assertSameOutcome, errorView, random } = require('./support/fidelity-compare');
const { identityInputs } = require('./support/fidelity-identity');
const { selfSigned } = require('./support/fidelity-certs');
const { checkIdentity } = require('../lib/identity');

const COUNT = Number(process.env.UVTLS_FUZZ_IDENTITY) || 100000;
const SEED = Number(process.env.UVTLS_FUZZ_SEED) || 0x5eed12;

function reproduce(i, host, cert) {
  return `input ${i} of seed ${SEED}: checkServerIdentity(${JSON.stringify(host)}, ${JSON.stringify(cert)})`;
}

describe('fidelity: checkServerIdentity', function() {
  this.timeout(300000);
  afterEach(cleanup);

  it(`agrees with the built-in on ${COUNT} random inputs (seed ${SEED})`, function() {
    const tally = { accepted: 0, rejected: 0, thrown: 0, quoted: 0, ip: 0, idn: 0 };
    // Stack frames are not compared (they name files), only the first line
    // of the stack: capturing one frame keeps 100,000 errors quick.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 1;
    try {
      let i = 0;
      for (const { host, cert } of identityInputs(SEED, COUNT)) {
        const expected = outcome(() => builtin.checkServerIdentity(host, cert));
        const actual = outcome(() => uvtls.checkServerIdentity(host, cert));
        const handshake = outcome(() => checkIdentity(host, cert.subjectaltname, () => cert));
        assertSameOutcome(actual, expected, reproduce(i, host, cert));
        assertSameOutcome(handshake, expected, `the handshake's check, ${reproduce(i, host, cert)}`);
        if ('threw' in expected) tally.thrown++;
        else if (expected.returned === undefined) tally.accepted++;
        else tally.rejected++;
        if (typeof cert.subjectaltname === 'string' && cert.subjectaltname.includes('"')) tally.quoted++;
        if (net.isIP(host)) tally.ip++;
        if (/[^\u0000-\u007f]/.test(host)) tally.idn++;
        i++;
      }
      assert.strictEqual(i, COUNT);
    } finally {
      Error.stackTraceLimit = limit;
    }
    // The inputs reach every outcome and every kind of input, in numbers.
    for (const [what, n] of Object.entries(tally)) {
      assert.ok(n > COUNT / 100, `${what}: only ${n} of ${COUNT} (${JSON.stringify(tally)})`);
    }
  });

  it('is reproducible: a seed gives the same inputs', function() {
    const a = [...identityInputs(SEED, 200)];
    const b = [...identityInputs(SEED, 200)];
    assert.deepStrictEqual(a, b);
    assert.notDeepStrictEqual(a, [...identityInputs(SEED + 1, 200)]);
  });

  describe('real certificates', function() {
    let dir;
    const certs = [];

    before(function() {
      needOpenssl(this);
      this.timeout(120000);
      dir = tmpDir('uvtls-fidelity-identity-');
      const rng = random(SEED);
      const names = ['localhost', 'a,b.localhost', 'LocalHost', 'local"host', 'local\\host',
                     "local'host", 'x\u0000.localhost', '*.localhost', 'b\u00fccher.localhost',
                     'xn--bcher-kva.localhost', 'lo\u212aalhost', 'localhost.', 'a.localhost',
                     '*calhost', 'l*', 'loc\u00e1lhost', 'sub.a.localhost', '*.a.localhost'];
      for (let c = 0; c < 16; c++) {
        const altNames = [];
        const n = rng.int(4);
        if (rng.chance(0.5)) altNames.push(['DNS', Buffer.from(rng.pick(['localhost', '*.localhost', 'a.localhost']))]);
        for (let i = 0; i < n; i++) {
          const r = rng.next();
          if (r < 0.6) altNames.push(['DNS', Buffer.from(rng.pick(names), rng.chance(0.5) ? 'utf8' : 'latin1')]);
          else if (r < 0.8) altNames.push(['IP', Buffer.from(rng.pick([[127, 0, 0, 1], [10, 0, 0, 1]]))]);
          else if (r < 0.9) altNames.push(['email', Buffer.from('a,b@localhost')]);
          else altNames.push(['URI', Buffer.from('https://localhost/"x"')]);
        }
        const cn = rng.chance(0.5) ? rng.pick(['localhost', 'a.localhost', 'LOCALHOST', '127.0.0.1']) : undefined;
        certs.push(selfSigned(dir, `c${c}`, { cn, altNames }));
      }
    });

    it('a parsed certificate and its object carry the same subjectaltname', function() {
      for (const { cert } of certs) {
        const x509 = new X509Certificate(cert);
        assert.strictEqual(x509.subjectAltName, x509.toLegacyObject().subjectaltname);
      }
    });

    // One connection of `impl` to the server, verifying `hostname`:
    // { authorized, error } once it is secure or failed.
    function verdict(impl, port, cert, hostname) {
      const options = { host: HOST, port, ca: cert };
      if (!net.isIP(hostname)) options.servername = hostname;
      return new Promise((resolve) => {
        const socket = trackSocket(impl.connect(options));
        socket.once('secureConnect', () => {
          resolve({ authorized: socket.authorized, error: null });
          socket.destroy();
        });
        socket.once('error', (error) => resolve({ authorized: socket.authorized, error }));
      });
    }

    it('through connections: the same verdict and error as the built-in client', async function() {
      const hosts = ['localhost', 'LOCALHOST', 'a.localhost', 'sub.a.localhost', '127.0.0.1',
                     'b\u00fccher.localhost', 'lo\u212aalhost', 'localhost.', 'x.localhost'];
      let rejected = 0;
      let accepted = 0;
      for (const { key, cert } of certs) {
        const server = trackServer(builtin.createServer({ key, cert }, (s) => s.end()));
        server.on('tlsClientError', () => {});
        await new Promise((resolve) => server.listen(0, HOST, resolve));
        const { port } = server.address();
        for (const hostname of hosts) {
          const expected = await verdict(builtin, port, cert, hostname);
          const actual = await verdict(uvtls, port, cert, hostname);
          const what = `${hostname} for ${new X509Certificate(cert).subjectAltName}`;
          assert.strictEqual(actual.authorized, expected.authorized, what);
          assert.deepStrictEqual(errorView(actual.error), errorView(expected.error), what);
          if (expected.error) rejected++;
          else accepted++;
        }
        await new Promise((resolve) => server.close(resolve));
      }
      assert.ok(rejected > 10 && accepted > 10, `${accepted} accepted, ${rejected} rejected`);
    });
  });
});
