'use strict';
// Loads the native addon, found as node-gyp-build finds one: a build of
// this tree (build/Release/uvtls.node, made by `npm install` in a checkout
// or when no prebuilt binary fits), else the package's prebuilt binary
// (prebuilds/<platform>-<arch>/node.napi.glibc.node, one Node-API binary
// for every Node release). UVTLS_BUILD=Debug loads the AddressSanitizer
// build (see `npm run test:asan`).

const path = require('path');

const root = path.join(__dirname, '..');
const rebuildHint = 'build it from source with `npm rebuild uvtls --build-from-source` ' +
  '(needs a C compiler, make and python3; Debian: apt-get install build-essential python3)';

function describeTarget() {
  let libc = '';
  if (process.platform === 'linux') {
    const { glibcVersionRuntime } = process.report?.getReport?.().header ?? {};
    libc = glibcVersionRuntime ? `, glibc ${glibcVersionRuntime}` : ', not glibc';
  }
  return `${process.platform}-${process.arch}${libc}, Node ${process.version}, ` +
    `OpenSSL ${process.versions.openssl}`;
}

function load() {
  if (process.env.UVTLS_BUILD === 'Debug') {
    const addonPath = path.join(root, 'build', 'Debug', 'uvtls.node');
    try {
      return require(addonPath);
    } catch (err) {
      if (err.code === 'MODULE_NOT_FOUND') {
        err.message = `uvtls: the AddressSanitizer build is missing (${addonPath}); ` +
          'run `npm run build:asan`';
      }
      throw err;
    }
  }

  let addonPath;
  try {
    addonPath = require('node-gyp-build').resolve(root);
  } catch (err) {
    if (err.code === 'MODULE_NOT_FOUND') throw err;
    const e = new Error(
      `uvtls: no native addon fits this system (${describeTarget()}): neither a ` +
      `build (${path.join(root, 'build', 'Release')}) nor a prebuilt binary ` +
      `(${path.join(root, 'prebuilds')}, made for linux-x64 and linux-arm64 with glibc 2.28 ` +
      `or later); ${rebuildHint}`);
    e.code = 'ERR_UVTLS_NO_ADDON';
    throw e;
  }

  const prebuilt = path.relative(root, addonPath).startsWith('prebuilds');
  try {
    return require(addonPath);
  } catch (err) {
    if (!prebuilt) {
      if (err.code === 'ERR_DLOPEN_FAILED') {
        err.message = `uvtls: the native addon ${addonPath} cannot be loaded ` +
          `(${err.message}); rebuild it with \`npm rebuild uvtls\``;
      }
      throw err;
    }
    if (err.code === 'ERR_UVTLS_OPENSSL_MISMATCH') {
      err.message = `${err.message.replace(/; rebuild uvtls.*$/, '')}; the prebuilt binary ` +
        `${addonPath} serves OpenSSL 3 (Node 20 to 26): ${rebuildHint}`;
    } else if (err.code === 'ERR_DLOPEN_FAILED') {
      err.message = `uvtls: the prebuilt binary ${addonPath} does not load on this ` +
        `system (${describeTarget()}; ${err.message.trim()}); ${rebuildHint}`;
    }
    throw err;
  }
}

module.exports = load();
