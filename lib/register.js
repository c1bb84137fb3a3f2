'use strict';
// node -r uvtls/register app.js: every `tls`, `https` and `http2` the
// program loads, its libraries included, is uvtls's: require('tls') and
// require('node:tls'), process.getBuiltinModule('tls'), and (see
// register-hooks.mjs) import. uvtls's own files keep Node's modules
// (they build on them). Global fetch, whose HTTP client lives inside Node,
// opens its TLS connections with the built-in module's connect(), which
// then is uvtls's.

const Module = require('module');
const path = require('path');

const ownDir = __dirname + path.sep;
const replacements = new Map();
for (const [name, file] of [['tls', 'tls.js'], ['https', 'https.js'], ['http2', 'http2.js']]) {
  replacements.set(name, path.join(__dirname, file));
  replacements.set(`node:${name}`, path.join(__dirname, file));
}

const load = Module._load;
Module._load = function _load(request, parent, isMain) {
  const replacement = replacements.get(request);
  if (replacement !== undefined &&
      !(parent && parent.filename && parent.filename.startsWith(ownDir))) {
    return load.call(this, replacement, parent, isMain);
  }
  return load.call(this, request, parent, isMain);
};

if (typeof process.getBuiltinModule === 'function') {
  const getBuiltinModule = process.getBuiltinModule;
  process.getBuiltinModule = function getBuiltin(id) {
    const replacement = typeof id === 'string' ? replacements.get(id) : undefined;
    if (replacement !== undefined) return require(replacement);
    return getBuiltinModule.call(this, id);
  };
}

require('node:tls').connect = require('./tls').connect;

if (typeof Module.register === 'function') {
  const { pathToFileURL } = require('url');
  Module.register(pathToFileURL(path.join(__dirname, 'register-hooks.mjs')));
}
