'use strict';
// node -r uvtls/register app.js: every require('tls') / require('node:tls')
// in the program, its libraries included, returns uvtls. uvtls's own files
// keep Node's module (lib/builtin.js needs it). ES modules are covered too
// where module.register() exists (see register-hooks.mjs).

const Module = require('module');
const path = require('path');

const uvtlsPath = path.join(__dirname, 'tls.js');
const ownDir = __dirname + path.sep;
const load = Module._load;

Module._load = function _load(request, parent, isMain) {
  if ((request === 'tls' || request === 'node:tls') &&
      !(parent && parent.filename && parent.filename.startsWith(ownDir))) {
    return load.call(this, uvtlsPath, parent, isMain);
  }
  return load.call(this, request, parent, isMain);
};

if (typeof Module.register === 'function') {
  const { pathToFileURL } = require('url');
  Module.register(pathToFileURL(path.join(__dirname, 'register-hooks.mjs')));
}
