'use strict';
// A long connection churn must not grow memory: native connections are
// all freed, and RSS levels off instead of growing with every connection.

const assert = require('assert');
const path = require('path');
const { execFileSync } = require('child_process');

describe('connection churn', function () {
  this.timeout(120000);

  it('frees every connection and levels off in memory over 5000 connections', function () {
    if (process.env.UVTLS_TEST_IMPL === 'builtin') this.skip();
    const out = execFileSync(process.execPath, [
      '--expose-gc', path.join(__dirname, 'support', 'churn.js'), '10', '500',
    ], { encoding: 'utf8', env: process.env, timeout: 110000 });
    const rounds = out.trim().split('\n').map((line) => JSON.parse(line));
    for (const r of rounds) assert.strictEqual(r.error, undefined, r.error);
    assert.strictEqual(rounds.length, 10);
    const first = rounds[0];
    const last = rounds[rounds.length - 1];
    // Only the listener's side of things remains: no connection is left
    // allocated once its socket closed and its object was collected.
    assert.strictEqual(last.connections, first.connections,
                       `native connections: ${first.connections} -> ${last.connections}`);
    assert.strictEqual(last.openHandles, first.openHandles);
    // JavaScript objects left behind per connection would show here: 3500
    // connections leaking 1 KiB each is 3.4 MiB.
    const heapGrowth = last.heapUsed - rounds[3].heapUsed;
    assert.ok(heapGrowth < 3 * 1024 * 1024,
              `heap grew ${(heapGrowth / 1048576).toFixed(1)} MiB over rounds 3..9`);
    // The allocator settles after the first rounds (steps of a few MiB, as
    // with the built-in); a native leak of 6 KiB per connection would add
    // 20 MiB over the last 3500 connections. ASan's quarantine holds freed
    // memory on purpose, so RSS says nothing under it.
    if (process.env.UVTLS_BUILD !== 'Debug') {
      const growth = last.rss - rounds[3].rss;
      assert.ok(growth < 20 * 1024 * 1024,
                `RSS grew ${(growth / 1048576).toFixed(1)} MiB over rounds 3..9 ` +
                `(${rounds.map((r) => (r.rss / 1048576).toFixed(0)).join(', ')} MiB)`);
    }
  });
});
