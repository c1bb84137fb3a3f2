'use strict';
// Opens and closes connections in rounds (uvtls server and client in this
// process) and prints memory after each round, for test/churn.test.js.
// Run with --expose-gc. Usage: node --expose-gc churn.js ROUNDS PER_ROUND

const path = require('path');
const fs = require('fs');
const tls = require(path.join(__dirname, '..', '..'));

const fixtures = path.join(__dirname, '..', 'fixtures');
const read = (name) => fs.readFileSync(path.join(fixtures, name));
const rounds = Number(process.argv[2]) || 8;
const perRound = Number(process.argv[3]) || 500;
const inFlight = 50;

const server = tls.createServer({ key: read('server.key'), cert: read('server.pem') }, (socket) => {
  socket.on('data', (d) => socket.end(d));
  socket.on('error', () => {});
});
const clientContext = tls.createSecureContext({ ca: read('ca.pem') });

function once(port) {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost',
                                 secureContext: clientContext }, () => socket.write('ping'));
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => { got += d; });
    socket.on('error', reject);
    socket.on('close', () => (got === 'ping' ? resolve() : reject(new Error(`echo: ${got}`))));
  });
}

async function round(port) {
  let next = 0;
  async function worker() {
    while (next < perRound) {
      next++;
      await once(port);
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker));
}

function collect() {
  return new Promise((resolve) => setImmediate(() => {
    for (let i = 0; i < 3; i++) global.gc();
    setTimeout(resolve, 25);
  }));
}

// Collects until the count of native connections stops falling: freeing
// them waits on collection and finalizers, whose timing varies.
async function settle() {
  const native = require('../../lib/native');
  let last = -1;
  for (let i = 0; i < 20; i++) {
    await collect();
    const now = native.stats().connections;
    if (now === last) return;
    last = now;
  }
}

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  try {
    for (let i = 0; i < rounds; i++) {
      await round(port);
      await settle();
      const m = process.memoryUsage();
      const native = require('../../lib/native').stats();
      process.stdout.write(`${JSON.stringify({ round: i, rss: m.rss, heapUsed: m.heapUsed,
                                               external: m.external, ...native })}\n`);
    }
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ error: String(err) })}\n`);
    process.exitCode = 1;
  }
  server.close();
});
