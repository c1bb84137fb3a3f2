'use strict';
// Opens and closes connections in rounds (server and client in this
// process) and prints memory after each round, for test/churn.test.js.
// Run with --expose-gc. Usage:
//   node --expose-gc churn.js ROUNDS PER_ROUND [--builtin] [--resume]
// --builtin runs Node's own tls (the reference); --resume makes every
// connection resume the session the previous one received (one session
// per worker, each connection offering the last ticket it was given).

const path = require('path');
const fs = require('fs');
const builtin = process.argv.includes('--builtin');
const resume = process.argv.includes('--resume');
const tls = builtin ? require('tls') : require(path.join(__dirname, '..', '..'));

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

let resumed = 0;

// One connection; `state.session` is the session to offer and receives
// the next one.
function once(port, state) {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost',
                                 secureContext: clientContext, session: state.session }, () => {
      if (socket.isSessionReused()) resumed++;
      socket.write('ping');
    });
    if (resume) socket.on('session', (session) => { state.session = session; });
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => { got += d; });
    socket.on('error', reject);
    socket.on('close', () => (got === 'ping' ? resolve() : reject(new Error(`echo: ${got}`))));
  });
}

const workers = Array.from({ length: inFlight }, () => ({ session: undefined }));

async function round(port) {
  let next = 0;
  async function worker(state) {
    while (next < perRound) {
      next++;
      await once(port, state);
    }
  }
  await Promise.all(workers.map(worker));
}

function collect() {
  return new Promise((resolve) => setImmediate(() => {
    for (let i = 0; i < 3; i++) global.gc();
    setTimeout(resolve, 25);
  }));
}

// Collects until the count of native connections stops falling: freeing
// them waits on collection and finalizers, whose timing varies.
function nativeStats() {
  return builtin ? { connections: 0, openHandles: 0 } : require('../../lib/native').stats();
}

async function settle() {
  let last = -1;
  for (let i = 0; i < 20; i++) {
    await collect();
    const now = nativeStats().connections;
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
      process.stdout.write(`${JSON.stringify({ round: i, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal,
                                               external: m.external, resumed,
                                               ...nativeStats() })}\n`);
    }
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ error: String(err) })}\n`);
    process.exitCode = 1;
  }
  server.close();
});
