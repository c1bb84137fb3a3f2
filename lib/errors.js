'use strict';
// Errors with Node's codes and messages, shaped as Node's own internal
// errors: own enumerable `code`, `name` from the base class, and a stack and
// toString() that read `TypeError [ERR_X]: message`.

const util = require('util');

const codes = {};

// `key` names the class in `codes`; `code` is what errors carry, when a
// Node release spells it otherwise.
function defineError(key, Base, message, code = key) {
  class NodeError extends Base {
    constructor(...args) {
      super(typeof message === 'function' ? message(...args) : message);
      // The stack is captured while `name` carries the code, as Node does.
      Object.defineProperty(this, 'name', {
        value: `${Base.name} [${code}]`,
        configurable: true,
        enumerable: false,
        writable: true,
      });
      void this.stack;
      delete this.name;
      this.code = code;
    }

    // As Node's: the constructor an error reports is its base class.
    get ['constructor']() {
      return Base;
    }

    toString() {
      return `${this.name} [${code}]: ${this.message}`;
    }
  }
  codes[key] = NodeError;
}

const nodeMajor = Number(process.versions.node.split('.')[0]);

function describeReceived(value) {
  if (value == null) return ` Received ${value}`;
  if (typeof value === 'function') {
    return ` Received function ${value.name}`;
  }
  if (typeof value === 'object') {
    if (value.constructor && value.constructor.name) {
      return ` Received an instance of ${value.constructor.name}`;
    }
    return ` Received ${util.inspect(value, { depth: -1 })}`;
  }
  let inspected = util.inspect(value, { colors: false });
  if (inspected.length > 28) inspected = `${inspected.slice(0, 25)}...`;
  return ` Received type ${typeof value} (${inspected})`;
}

const classNames = new Set(['Buffer', 'TypedArray', 'DataView', 'ArrayBuffer',
                            'Function', 'Object', 'Array', 'AbortSignal',
                            'SecureContext', 'Uint8Array', 'URL']);

function invalidArgTypeMessage(name, expected, actual) {
  if (!Array.isArray(expected)) expected = [expected];
  const kind = name.endsWith(' argument') ? '' :
    (name.includes('.') ? 'property' : 'argument');
  let msg = `The ${kind ? `"${name}" ${kind}` : name} must be `;
  const types = [];
  const instances = [];
  const other = [];
  for (const e of expected) {
    if (classNames.has(e)) instances.push(e);
    else if (/^[a-z]/.test(e)) types.push(e);
    else other.push(e);
  }
  const parts = [];
  if (types.length > 0) {
    parts.push(types.length > 2 ?
      `one of type ${types.slice(0, -1).join(', ')}, or ${types.at(-1)}` :
      types.length === 2 ?
        `one of type ${types[0]} or ${types[1]}` : `of type ${types[0]}`);
  }
  if (instances.length > 0) {
    parts.push(instances.length > 2 ?
      `an instance of ${instances.slice(0, -1).join(', ')}, or ${instances.at(-1)}` :
      instances.length === 2 ?
        `an instance of ${instances[0]} or ${instances[1]}` :
        `an instance of ${instances[0]}`);
  }
  if (other.length > 0) {
    parts.push(other.length > 1 ?
      `one of ${other.slice(0, -1).join(', ')}, or ${other.at(-1)}` :
      other[0]);
  }
  msg += parts.length > 2 ?
    `${parts.slice(0, -1).join(', ')}, or ${parts.at(-1)}` :
    parts.join(' or ');
  return `${msg}.${describeReceived(actual)}`;
}

defineError('ERR_INVALID_ARG_TYPE', TypeError, invalidArgTypeMessage);
defineError('ERR_INVALID_ARG_VALUE', TypeError, (name, value, reason = 'is invalid') => {
  let inspected = util.inspect(value);
  if (inspected.length > 128) inspected = `${inspected.slice(0, 128)}...`;
  const kind = name.includes('.') ? 'property' : 'argument';
  return `The ${kind} '${name}' ${reason}. Received ${inspected}`;
});
defineError('ERR_OUT_OF_RANGE', RangeError, (name, range, value, replace = false) => {
  let received = util.inspect(value);
  if (Number.isInteger(value) && Math.abs(value) > 2 ** 32) {
    received = String(value).replace(/(\d)(?=(\d{3})+$)/g, '$1_');
  }
  const what = replace ? name : `The value of "${name}" is out of range.`;
  return `${what} It must be ${range}. Received ${received}`;
});
// What Node's internal assert() throws.
defineError('ERR_INTERNAL_ASSERTION', Error, (message) => {
  const suffix = 'This is caused by either a bug in Node.js ' +
    'or incorrect usage of Node.js internals.\n' +
    'Please open an issue with this stack trace at ' +
    'https://github.com/nodejs/node/issues\n';
  return message === undefined ? suffix : `${message}\n${suffix}`;
});
defineError('ERR_SOCKET_CLOSED', Error, 'Socket is closed');
defineError('ERR_INVALID_IP_ADDRESS', TypeError, (ip) => `Invalid IP address: ${ip}`);
defineError('ERR_MULTIPLE_CALLBACK', Error, 'Callback called multiple times');
defineError('ERR_SOCKET_BAD_PORT', RangeError, (name, port, allowZero = true) =>
  `${name} should be ${allowZero ? '>=' : '>'} 0 and < 65536.` +
  `${describeReceived(port)}.`);
defineError('ERR_SERVER_ALREADY_LISTEN', Error,
            'Listen method has been called more than once without closing.');
defineError('ERR_TLS_CERT_ALTNAME_INVALID', Error,
            (reason) => `Hostname/IP does not match certificate's altnames: ${reason}`);
defineError('ERR_TLS_CERT_ALTNAME_FORMAT', SyntaxError, 'Invalid subject alternative name string');
defineError('ERR_TLS_HANDSHAKE_TIMEOUT', Error, 'TLS handshake timeout');
defineError('ERR_TLS_INVALID_PROTOCOL_VERSION', TypeError,
            (protocol, x) => `${JSON.stringify(protocol)} is not a valid ${x} TLS protocol version`);
defineError('ERR_TLS_PROTOCOL_VERSION_CONFLICT', TypeError,
            (prev, used) => `TLS protocol version ${prev} conflicts with secureProtocol ${used}`);
defineError('ERR_TLS_INVALID_PROTOCOL_METHOD', TypeError, (msg) => msg);
defineError('ERR_TLS_ALPN_CALLBACK_INVALID_RESULT', TypeError, (value, protocols) =>
  `ALPN callback returned a value (${value}) that did not match any of the ` +
  `client's offered protocols (${protocols.join(', ')})`);
defineError('ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS', TypeError,
            'The ALPNCallback and ALPNProtocols TLS options are mutually exclusive');
// Spelled without the second T up to Node 22; Node 23 fixed the typo.
defineError('ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED', Error, 'Failed to set PSK identity hint',
            nodeMajor >= 23 ? 'ERR_TLS_PSK_SET_IDENTITY_HINT_FAILED' :
              'ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED');
codes.ERR_TLS_PSK_SET_IDENTITY_HINT_FAILED = codes.ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED;
defineError('ERR_TLS_SESSION_ATTACK', Error, 'TLS session renegotiation attack detected');
defineError('ERR_TLS_RENEGOTIATION_DISABLED', Error,
            'TLS session renegotiation disabled for this socket');
defineError('ERR_TLS_DH_PARAM_SIZE', Error, (size) => `DH parameter size ${size} is less than 2048`);
defineError('ERR_TLS_INVALID_CONTEXT', TypeError, (ctx) => `${ctx} must be a SecureContext`);
defineError('ERR_TLS_INVALID_STATE', Error, 'TLS socket connection must be securely established');
defineError('ERR_TLS_REQUIRED_SERVER_NAME', Error,
            '"servername" is required parameter for Server.addContext');
defineError('ERR_CRYPTO_CUSTOM_ENGINE_NOT_SUPPORTED', Error,
            'Custom engines not supported by this OpenSSL');
defineError('ERR_TLS_SNI_FROM_SERVER', Error,
            'Cannot issue SNI from a TLS server-side socket');
defineError('ERR_UVTLS_NOT_IMPLEMENTED', Error,
            (what) => `${what} is not implemented in uvtls yet`);

// Node 24 and later append a hint to the certificate verification errors
// that a missing root explains (the docs name these three).
const systemCAHintCodes = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT',
                                   'UNABLE_TO_GET_ISSUER_CERT']);
const systemCAHint = '; if the root CA is installed locally, try running Node.js with --use-system-ca';

// The verification error of a handshake (an Error with the X509_V_ERR_*
// name as its code, or null) as the running Node words it.
function verifyError(error) {
  if (error != null && nodeMajor >= 24 && systemCAHintCodes.has(error.code)) {
    error.message += systemCAHint;
    // The stack was captured with the message it had.
    error.stack = `Error: ${error.message}${error.stack.slice(error.stack.indexOf('\n'))}`;
  }
  return error;
}

// An error shaped as those Node's C++ layer throws: a plain Error (no code
// in its name or toString) with a `code` property.
function nativeError(code, message) {
  const err = new Error(message);
  err.code = code;
  return err;
}

// The error that Node gives when the peer closes during the handshake.
function connResetException(msg) {
  const err = new Error(msg);
  err.code = 'ECONNRESET';
  return err;
}

// A system error from a libuv status, shaped as Node's: "read ECONNRESET".
function errnoException(status, syscall, extra) {
  const code = util.getSystemErrorName(status);
  const err = new Error(extra ? `${syscall} ${code} ${extra}` : `${syscall} ${code}`);
  err.errno = status;
  err.code = code;
  err.syscall = syscall;
  return err;
}

// "connect ECONNREFUSED 127.0.0.1:443", with address and port.
function exceptionWithHostPort(status, syscall, address, port) {
  const err = errnoException(status, syscall, port > 0 ? `${address}:${port}` : address);
  err.address = address;
  if (port) err.port = port;
  return err;
}

// "listen EADDRINUSE: address already in use 127.0.0.1:443"
function uvExceptionWithHostPort(status, syscall, address, port) {
  const [code, uvmsg] = util.getSystemErrorMap().get(status) || ['UNKNOWN', 'unknown error'];
  const where = port ? `${address}:${port}` : address;
  const err = new Error(`${syscall} ${code}: ${uvmsg}${where ? ` ${where}` : ''}`);
  err.code = code;
  err.errno = status;
  err.syscall = syscall;
  err.address = address;
  if (port) err.port = port;
  return err;
}

module.exports = {
  codes,
  verifyError,
  nativeError,
  connResetException,
  errnoException,
  exceptionWithHostPort,
  uvExceptionWithHostPort,
};
