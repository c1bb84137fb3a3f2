'use strict';
// The tls defaults, writable as in Node and read at use time, so that a
// program that changes tls.DEFAULT_MIN_VERSION changes later contexts.

const crypto = require('crypto');
const flags = require('./flags');

module.exports = {
  DEFAULT_CIPHERS: crypto.constants.defaultCipherList,
  DEFAULT_ECDH_CURVE: 'auto',
  DEFAULT_MIN_VERSION: flags.minVersion,
  DEFAULT_MAX_VERSION: flags.maxVersion,
};
