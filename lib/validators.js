'use strict';
// Validations whose errors changed between Node releases: each follows the
// running Node.

const { isIP } = require('net');
const {
  codes: { ERR_INTERNAL_ASSERTION, ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE },
} = require('./errors');

const { nodeMajor } = require('./release');

// tls.connect()'s minDHSize: a number of at least 1. Node 22 and later
// throw ERR_INVALID_ARG_TYPE / ERR_OUT_OF_RANGE (NaN is out of range too);
// Node 20 asserts (its internal assert: ERR_INTERNAL_ASSERTION).
function validateMinDHSize(value) {
  const name = 'options.minDHSize';
  if (nodeMajor < 22) {
    if (typeof value !== 'number') {
      throw new ERR_INTERNAL_ASSERTION(`${name} is not a number: ${value}`);
    }
    if (!(value > 0)) {
      throw new ERR_INTERNAL_ASSERTION(`${name} is not a positive number: ${value}`);
    }
    return;
  }
  if (typeof value !== 'number') throw new ERR_INVALID_ARG_TYPE(name, 'number', value);
  if (!(value >= 1)) throw new ERR_OUT_OF_RANGE(name, '>= 1', value);
}

// tls.connect()'s servername: Node 25 and later refuse an IP address
// (RFC 6066); earlier releases warn (DEP0123) and send it.
function validateServername(servername) {
  if (nodeMajor >= 25 && servername && isIP(servername)) {
    throw new ERR_INVALID_ARG_VALUE('options.servername', servername,
                                    'Setting the TLS ServerName to an IP address is not permitted.');
  }
}

// connect()'s autoSelectFamily and autoSelectFamilyAttemptTimeout, checked
// as net checks them (on every release).
function validateAutoSelectFamily(options) {
  const { autoSelectFamily, autoSelectFamilyAttemptTimeout: timeout } = options;
  if (autoSelectFamily != null && typeof autoSelectFamily !== 'boolean') {
    throw new ERR_INVALID_ARG_TYPE('options.autoSelectFamily', 'boolean', autoSelectFamily);
  }
  if (timeout == null) return;
  const name = 'options.autoSelectFamilyAttemptTimeout';
  if (typeof timeout !== 'number') throw new ERR_INVALID_ARG_TYPE(name, 'number', timeout);
  if (!Number.isInteger(timeout)) throw new ERR_OUT_OF_RANGE(name, 'an integer', timeout);
  if (timeout < 1 || timeout > 2147483647) {
    throw new ERR_OUT_OF_RANGE(name, '>= 1 && <= 2147483647', timeout);
  }
}

module.exports = { validateAutoSelectFamily, validateMinDHSize, validateServername };
