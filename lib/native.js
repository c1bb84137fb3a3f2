'use strict';
// Loads the native addon: the release build, or the AddressSanitizer build
// when UVTLS_BUILD=Debug (see `npm run test:asan`).

const path = require('path');

const buildType = process.env.UVTLS_BUILD === 'Debug' ? 'Debug' : 'Release';
const addonPath = path.join(__dirname, '..', 'build', buildType, 'uvtls.node');

let binding;
try {
  binding = require(addonPath);
} catch (err) {
  if (err.code === 'MODULE_NOT_FOUND') {
    err.message = `uvtls: the native addon is not built (${addonPath}); ` +
      'run `npm install` or `npm run build`';
  }
  throw err;
}

module.exports = binding;
