'use strict';
// A client offering the same session again and again resumes every time,
// however the earlier connections ended (uvtls keeps recent sessions
// parsed, and must not hand OpenSSL one that an earlier connection's end
// marked not resumable).

const assert = require('assert');
const h = require('./helpers');

const { fx, uvtls } = h;

function connectWith(server, session, version, ending) {
  return new Promise((resolve, reject) => {
    const client = uvtls.connect({ host: h.HOST, port: server.address().port, servername: 'localhost',
                                   ca: fx.ca, session, minVersion: version, maxVersion: version });
    h.trackSocket(client);
    let received = null;
    client.once('session', (s) => { received = s; });
    client.on('error', reject);
    client.on('secureConnect', () => {
      const reused = client.isSessionReused();
      client.on('data', () => {});
      if (ending === 'destroy') client.destroy();
      else client.end();
      client.on('close', () => resolve({ reused, received }));
    });
  });
}

for (const [label, , serverImpl] of h.DIRECTIONS.filter(([, c]) => c === uvtls)) {
  describe(`offering one session many times (${label})`, function () {
    afterEach(h.cleanup);

    for (const version of ['TLSv1.2', 'TLSv1.3']) {
      for (const ending of ['end', 'destroy']) {
        it(`${version}: every connection resumes, earlier ones ended with ${ending}()`, async function () {
          const server = await h.startServer(serverImpl, h.serverCreds(), (s) => s.end('x'));
          const first = await connectWith(server, undefined, version, 'end');
          assert.strictEqual(first.reused, false);
          assert(Buffer.isBuffer(first.received));
          const reused = [];
          for (let i = 0; i < 6; i++) {
            reused.push((await connectWith(server, first.received, version, ending)).reused);
          }
          const together = await Promise.all(Array.from({ length: 6 }, () =>
            connectWith(server, first.received, version, ending)));
          reused.push(...together.map((r) => r.reused));
          assert.deepStrictEqual(reused, new Array(12).fill(true));
        });
      }
    }
  });
}
