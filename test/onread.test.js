'use strict';
// The onread option of tls.connect(): plaintext into the application's own
// buffer, in pieces no larger than it, through its callback; returning
// false stops reading until resume(). Compared with the built-in.

const assert = require('assert');
const crypto = require('crypto');
const h = require('./helpers');

const payload = crypto.randomBytes(300 * 1024);

// Connects with `onread`, pausing once after `pauseAfter` callbacks;
// resolves with what the callback saw.
async function readWithOnread(clientImpl, server, buffer, pauseAfter) {
  const seen = { chunks: [], calls: 0, largest: 0, dataEvents: 0, sameBuffer: true };
  let first = null;
  let client;
  let resumedAfterPause;
  const pauseOver = new Promise((resolve) => { resumedAfterPause = resolve; });
  const onread = {
    buffer,
    callback(nread, buf) {
      if (first === null) first = buf;
      if (typeof buffer !== 'function' && buf !== first) seen.sameBuffer = false;
      seen.calls++;
      seen.largest = Math.max(seen.largest, nread);
      seen.chunks.push(Buffer.from(buf.subarray(0, nread)));
      if (seen.calls === pauseAfter) {
        setTimeout(() => client.resume(), 30);
        return false;
      }
      // pause() holds the callbacks back until resume().
      if (seen.calls === pauseAfter + 2) {
        client.pause();
        const paused = seen.calls;
        setTimeout(() => {
          seen.heldWhilePaused = seen.calls === paused;
          client.resume();
          resumedAfterPause();
        }, 30);
      }
      return undefined;
    },
  };
  client = clientImpl.connect({
    host: h.HOST, port: server.address().port, ca: h.fx.ca, servername: 'localhost', onread,
  });
  h.trackSocket(client);
  client.on('data', () => seen.dataEvents++);
  // 'end' may come while paused (the end of the stream was read already).
  await h.waitEvent(client, 'end', 10000);
  await h.withTimeout(pauseOver, 10000, 'the pause');
  return seen;
}

for (const [label, clientImpl, serverImpl] of h.DIRECTIONS) {
  describe(`onread (${label})`, function () {
    afterEach(h.cleanup);

    it('fills a static buffer, in pieces no larger than it, with no data events', async function () {
      const server = await h.startServer(serverImpl, h.serverCreds(), (s) => s.end(payload));
      const seen = await readWithOnread(clientImpl, server, Buffer.alloc(4096), 10);
      assert.strictEqual(seen.dataEvents, 0);
      assert(seen.largest <= 4096);
      assert(seen.calls >= payload.length / 4096);
      assert.strictEqual(seen.sameBuffer, true);
      // uvtls holds the callbacks back from pause() on; the built-in may
      // still deliver what it had decrypted, so only uvtls is held to it.
      if (clientImpl !== h.builtin) assert.strictEqual(seen.heldWhilePaused, true);
      assert(Buffer.concat(seen.chunks).equals(payload));
    });

    it('takes a new buffer from a function after each callback', async function () {
      const server = await h.startServer(serverImpl, h.serverCreds(), (s) => s.end(payload));
      let made = 0;
      const seen = await readWithOnread(clientImpl, server, () => {
        made++;
        return new Uint8Array(1000);
      }, 3);
      assert(seen.largest <= 1000);
      assert(made >= seen.calls);
      assert(Buffer.concat(seen.chunks).equals(payload));
    });
  });
}
