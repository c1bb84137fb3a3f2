'use strict';
// Errors with Node's codes and messages, shaped as Node's own internal
// errors: own enumerable `code`, `name` from the base class, and a stack and
// toString() that read `TypeError [ERR_X]: message`.

const util = require('util');

const codes = {};

// Node's own mark of its errors, read off one of them: Node's stack
// formatting writes `TypeError [ERR_X]: message` for an error that has it
// (when the stack is first read, as for its own errors), and the error
// reporter and source maps treat it as Node's.
const kIsNodeError = (() => {
  let err;
  try {
    require('buffer').Buffer.alloc(-1);
  } catch (e) {
    err = e;
  }
  for (let p = err; p != null; p = Object.getPrototypeOf(p)) {
    const mark = Object.getOwnPropertySymbols(p).find((s) => s.description === 'kIsNodeError');
    if (mark !== undefined) return mark;
  }
  return undefined;
})();

// Whether a message string takes arguments (util.format specifiers).
const FORMAT_SPECIFIER = /%[sdifjoOc]/;

// `key` names the class in `codes`; `code` is what errors carry, when a
// Node release spells it otherwise. `message` is a string (with util.format
// specifiers when it takes arguments) or a function called on the error
// being made, as Node's: its own properties come in Node's order (`stack`,
// `message`, `code` for a string; `stack`, `code`, what the function sets,
// `message` for a function).
function defineError(key, Base, message, code = key) {
  const takesArgs = typeof message === 'string' && FORMAT_SPECIFIER.test(message);
  class NodeError extends Base {
    constructor(...args) {
      if (typeof message === 'function') {
        super();
        this.code = code;
        Object.defineProperty(this, 'message', {
          value: Reflect.apply(message, this, args),
          enumerable: false,
          writable: true,
          configurable: true,
        });
      } else {
        super(takesArgs ? util.format(message, ...args) : message);
        this.code = code;
      }
      if (kIsNodeError === undefined) nameStack(this, Base, code);
    }

    // As Node's: the constructor an error reports is its base class.
    get ['constructor']() {
      return Base;
    }

    get [kIsNodeError ?? Symbol('kIsNodeError')]() {
      return true;
    }

    toString() {
      return `${this.name} [${code}]: ${this.message}`;
    }
  }
  codes[key] = NodeError;
}

// Without Node's mark, the stack is made at once, while `name` carries the
// code.
function nameStack(err, Base, code) {
  Object.defineProperty(err, 'name', {
    value: `${Base.name} [${code}]`,
    configurable: true,
    enumerable: false,
    writable: true,
  });
  void err.stack;
  delete err.name;
}

// An error that Node throws from C++: a plain `Base` (no code in its stack
// or toString()) with a `code`.
function defineNativeError(key, Base, message, code = key) {
  function NativeError(...args) {
    const err = new Base(typeof message === 'function' ? message(...args) : message);
    err.code = code;
    Error.captureStackTrace(err, NativeError);
    return err;
  }
  codes[key] = NativeError;
}

const { nodeMajor } = require('./release');

// " Received ...": how Node's errors describe a value they refuse.
function describeReceived(value) {
  if (value === null || value === undefined) return ` Received ${value}`;
  const type = typeof value;
  switch (type) {
    case 'bigint':
      return ` Received type bigint (${value}n)`;
    case 'number':
      return ` Received type number (${Object.is(value, -0) ? '-0' : String(value)})`;
    case 'boolean':
    case 'symbol':
      return ` Received type ${type} (${String(value)})`;
    case 'function':
      return ` Received function ${value.name}`;
    case 'object': {
      if (nodeMajor >= 24) {
        // Node 24 reads `constructor.name` once and wants a non-empty string.
        const name = value.constructor?.name;
        if (typeof name === 'string' && name !== '') return ` Received an instance of ${name}`;
      } else if (value.constructor && 'name' in value.constructor) {
        return ` Received an instance of ${value.constructor.name}`;
      }
      return ` Received ${util.inspect(value, { depth: -1 })}`;
    }
    case 'string': {
      const shown = value.length > 28 ? `${value.slice(0, 25)}...` : value;
      return ` Received type string (${shown.includes("'") ? JSON.stringify(shown) : `'${shown}'`})`;
    }
    default: {
      let inspected = util.inspect(value, { colors: false });
      if (inspected.length > 28) inspected = `${inspected.slice(0, 25)}...`;
      return ` Received type ${type} (${inspected})`;
    }
  }
}

// 'A', 'A or B', 'A, B, or C'.
function formatList(list, conjunction) {
  if (list.length <= 2) return list.join(` ${conjunction} `);
  return `${list.slice(0, -1).join(', ')}, ${conjunction} ${list.at(-1)}`;
}

// Expected kinds that are types (written in lower case), as Node sorts them;
// other capitalised names are classes; anything else is named as it is.
const typeNames = new Set(['string', 'function', 'number', 'object', 'Function', 'Object',
                           'boolean', 'bigint', 'symbol']);
const CLASS_NAME = /^[A-Z][a-zA-Z0-9]*$/;

function invalidArgTypeMessage(name, expected, actual) {
  if (!Array.isArray(expected)) expected = [expected];
  let msg = 'The ';
  if (name.endsWith(' argument')) msg += `${name} `;
  else msg += `"${name}" ${name.includes('.') ? 'property' : 'argument'} `;
  msg += 'must be ';
  const types = [];
  const instances = [];
  const other = [];
  for (const e of expected) {
    if (typeNames.has(e)) types.push(e.toLowerCase());
    else if (CLASS_NAME.test(e)) instances.push(e);
    else other.push(e);
  }
  // With classes allowed, a plain object is named as a class too.
  if (instances.length > 0 && types.includes('object')) {
    types.splice(types.indexOf('object'), 1);
    instances.push('Object');
  }
  const parts = [];
  if (types.length > 0) parts.push(`${types.length > 1 ? 'one of type' : 'of type'} ${formatList(types, 'or')}`);
  if (instances.length > 0) parts.push(`an instance of ${formatList(instances, 'or')}`);
  if (other.length > 1) parts.push(`one of ${formatList(other, 'or')}`);
  else if (other.length === 1) parts.push(`${other[0].toLowerCase() !== other[0] ? 'an ' : ''}${other[0]}`);
  return `${msg}${parts.join(' or ')}.${describeReceived(actual)}`;
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
defineError('ERR_INVALID_IP_ADDRESS', TypeError, 'Invalid IP address: %s');
defineError('ERR_MULTIPLE_CALLBACK', Error, 'Callback called multiple times');
defineError('ERR_SOCKET_BAD_PORT', RangeError, (name, port, allowZero = true) =>
  `${name} should be ${allowZero ? '>=' : '>'} 0 and < 65536.` +
  `${describeReceived(port)}.`);
defineError('ERR_SERVER_ALREADY_LISTEN', Error,
            'Listen method has been called more than once without closing.');
defineError('ERR_TLS_CERT_ALTNAME_INVALID', Error, function(reason, host, cert) {
  this.reason = reason;
  this.host = host;
  this.cert = cert;
  return `Hostname/IP does not match certificate's altnames: ${reason}`;
});
defineError('ERR_TLS_CERT_ALTNAME_FORMAT', SyntaxError, 'Invalid subject alternative name string');
defineError('ERR_TLS_HANDSHAKE_TIMEOUT', Error, 'TLS handshake timeout');
defineError('ERR_TLS_INVALID_PROTOCOL_VERSION', TypeError,
            '%j is not a valid %s TLS protocol version');
defineError('ERR_TLS_PROTOCOL_VERSION_CONFLICT', TypeError,
            'TLS protocol version %j conflicts with secureProtocol %j');
// Thrown from Node's C++.
defineNativeError('ERR_TLS_INVALID_PROTOCOL_METHOD', TypeError, (msg) => msg);
defineError('ERR_TLS_ALPN_CALLBACK_INVALID_RESULT', TypeError, (value, protocols) =>
  `ALPN callback returned a value (${value}) that did not match any of the ` +
  `client's offered protocols (${protocols.join(', ')})`);
defineError('ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS', TypeError,
            'The ALPNCallback and ALPNProtocols TLS options are mutually exclusive');
// Spelled without the second T up to Node 22; Node 23 fixed the typo.
defineNativeError('ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED', Error, 'Failed to set PSK identity hint',
            nodeMajor >= 23 ? 'ERR_TLS_PSK_SET_IDENTITY_HINT_FAILED' :
              'ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED');
codes.ERR_TLS_PSK_SET_IDENTITY_HINT_FAILED = codes.ERR_TLS_PSK_SET_IDENTIY_HINT_FAILED;
defineError('ERR_TLS_SESSION_ATTACK', Error, 'TLS session renegotiation attack detected');
defineError('ERR_TLS_RENEGOTIATION_DISABLED', Error,
            'TLS session renegotiation disabled for this socket');
defineError('ERR_TLS_DH_PARAM_SIZE', Error, 'DH parameter size %s is less than 2048');
defineError('ERR_TLS_INVALID_CONTEXT', TypeError, '%s must be a SecureContext');
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
