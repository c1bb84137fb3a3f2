'use strict';

// The C sources in their layers, depending one way:
//   src/core  OpenSSL only: the session, the byte queue, ticket keys
//   src/io    libuv only: the transport (knows no TLS)
//   src/node  Node-API: the addon, the JavaScript objects, conversions
// and no cycle in the include graph of modules (a module is a .c file with
// the header of the same name).

const assert = require('assert');
const fs = require('fs');
const path = require('path');

const SRC = path.join(__dirname, '..', 'src');
const LAYERS = ['core', 'io', 'node'];

// What a file of each layer may include, beyond the C library.
const RULES = {
  core: { forbidden: [/^<uv\.h>$/, /^<node_api\.h>$/, /^<js_native_api/, /^"(io|node)\//] },
  io: { forbidden: [/^<node_api\.h>$/, /^<js_native_api/, /^<openssl\//, /^"node\//, /^"core\/(?!macros\.h")/] },
  node: { forbidden: [] },
};

// { 'core/session.c': ['<openssl/ssl.h>', '"core/bio.h"', ...], ... }
function readSources(root) {
  const files = {};
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) {
      files[entry.name] = null; // a source outside every layer
      continue;
    }
    for (const name of fs.readdirSync(path.join(root, entry.name))) {
      if (!/\.[ch]$/.test(name)) continue;
      const text = fs.readFileSync(path.join(root, entry.name, name), 'utf8');
      files[`${entry.name}/${name}`] = [...text.matchAll(/^\s*#\s*include\s+(<[^>]+>|"[^"]+")/gm)].map((m) => m[1]);
    }
  }
  return files;
}

function layerViolations(files) {
  const out = [];
  for (const [file, includes] of Object.entries(files)) {
    const layer = file.split('/')[0];
    if (includes === null || !LAYERS.includes(layer)) {
      out.push(`${file}: not in a layer (${LAYERS.join(', ')})`);
      continue;
    }
    for (const inc of includes) {
      if (RULES[layer].forbidden.some((re) => re.test(inc))) out.push(`${file} includes ${inc}`);
      if (inc.startsWith('"') && !files[inc.slice(1, -1)]) out.push(`${file} includes ${inc}, which is not in src/<layer>/`);
    }
  }
  return out;
}

// Modules (a .c and its .h) and the modules their includes name.
function moduleGraph(files) {
  const graph = new Map();
  for (const [file, includes] of Object.entries(files)) {
    if (includes === null) continue;
    const from = file.replace(/\.[ch]$/, '');
    if (!graph.has(from)) graph.set(from, new Set());
    for (const inc of includes) {
      if (!inc.startsWith('"')) continue;
      const to = inc.slice(1, -1).replace(/\.h$/, '');
      if (to !== from) graph.get(from).add(to);
    }
  }
  return graph;
}

// The first cycle found, as a list of modules, or null.
function findCycle(graph) {
  const state = new Map(); // undefined: new, 1: on the path, 2: done
  const stack = [];
  function visit(node) {
    state.set(node, 1);
    stack.push(node);
    for (const next of graph.get(node) || []) {
      if (state.get(next) === 1) return [...stack.slice(stack.indexOf(next)), next];
      if (state.get(next) === undefined) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 2);
    return null;
  }
  for (const node of graph.keys()) {
    if (state.get(node) === undefined) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return null;
}

describe('the C layers (src/core, src/io, src/node)', function () {
  const files = readSources(SRC);

  it('every source is in a layer, and no header crosses its layer', function () {
    assert.ok(Object.keys(files).some((f) => f.startsWith('core/')), 'src/core has sources');
    assert.deepStrictEqual(layerViolations(files), []);
  });

  it('the include graph of modules has no cycle', function () {
    const cycle = findCycle(moduleGraph(files));
    assert.strictEqual(cycle && cycle.join(' -> '), null);
  });

  it('the check itself sees a crossing header and a cycle', function () {
    const bad = {
      'core/a.c': ['"core/a.h"', '<uv.h>'],
      'core/a.h': ['"node/b.h"'],
      'io/t.c': ['"core/session.h"', '"core/macros.h"'],
      'core/macros.h': [],
      'core/session.h': [],
      'node/b.h': [],
      'node/b.c': ['"node/b.h"', '"node/c.h"'],
      'node/c.h': [],
      'node/c.c': ['"node/b.h"'],
      'loose.c': null,
    };
    assert.deepStrictEqual(layerViolations(bad), [
      'core/a.c includes <uv.h>',
      'core/a.h includes "node/b.h"',
      'io/t.c includes "core/session.h"',
      'loose.c: not in a layer (core, io, node)',
    ]);
    assert.deepStrictEqual(findCycle(moduleGraph(bad)), ['node/b', 'node/c', 'node/b']);
  });
});
