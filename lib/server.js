'use strict';
// tls.Server: a net.Server whose listening socket and accept loop are
// native; each accepted connection arrives as a TLSSocket.

const { Buffer } = require('buffer');
const builtinTls = require('./builtin');
const net = require('net');
const dns = require('dns');
const crypto = require('crypto');
const binding = require('./native');
const {
  codes: {
    ERR_INVALID_ARG_TYPE,
    ERR_INVALID_ARG_VALUE,
    ERR_SERVER_ALREADY_LISTEN,
    ERR_SOCKET_BAD_PORT,
    ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS,
    ERR_TLS_REQUIRED_SERVER_NAME,
  },
  uvExceptionWithHostPort,
} = require('./errors');
const { createSecureContext, isSecureContext, contextOptionNames } = require('./secure-context');
const { convertALPNProtocols } = require('./alpn');
const { TLSSocket, onServerSocketClose } = require('./socket');
const callbacks = require('./callbacks');
const { kAttach, kOwner, kStart, kNoHandle } = require('./symbols');

const kLookupAndListen = Symbol('kLookupAndListen');
const kListenOn = Symbol('kListenOn');
const kOnConnection = Symbol('kOnConnection');
const kHandshakeTimeout = Symbol('kHandshakeTimeout');
const kSocketOptions = Symbol('kSocketOptions');
const kAccepted = Symbol('kAccepted');
const kListenAborted = Symbol('kListenAborted');
const kSNICallback = Symbol('kSNICallback');
const kPskCallback = Symbol('kPskCallback');
const kEnableTrace = Symbol('kEnableTrace');
const kPskIdentityHint = Symbol('kPskIdentityHint');

let setOptionsWarned = false;

function defaultSessionIdContext() {
  return crypto.createHash('sha1').update(process.argv.join(' '))
    .digest('hex').slice(0, 32);
}

// The flags of the running Node's SNI patterns (from 22 on they ignore
// case), read off its own addContext() once.
let sniFlags;
function sniPatternFlags() {
  if (sniFlags === undefined) {
    const probe = { _contexts: [] };
    Reflect.apply(builtinTls.Server.prototype.addContext, probe,
                  ['probe', builtinTls.createSecureContext()]);
    sniFlags = probe._contexts[0][0].flags;
  }
  return sniFlags;
}

class Server extends net.Server {
  constructor(options, listener) {
    if (typeof options === 'function') {
      listener = options;
      options = {};
    } else if (options == null) {
      options = {};
    } else if (typeof options !== 'object') {
      throw new ERR_INVALID_ARG_TYPE('options', 'object', options);
    }
    super({ allowHalfOpen: options.allowHalfOpen, pauseOnConnect: options.pauseOnConnect });
    this._contexts = [];
    this.requestCert = options.requestCert === true;
    this.rejectUnauthorized = options.rejectUnauthorized !== false;
    const timeout = options.handshakeTimeout ?? 120000;
    if (typeof timeout !== 'number') {
      throw new ERR_INVALID_ARG_TYPE('options.handshakeTimeout', 'number', timeout);
    }
    this[kHandshakeTimeout] = timeout;
    if (options.SNICallback != null && typeof options.SNICallback !== 'function') {
      throw new ERR_INVALID_ARG_TYPE('options.SNICallback', 'Function', options.SNICallback);
    }
    this[kSNICallback] = options.SNICallback || defaultSNICallback;
    if (options.pskCallback != null && typeof options.pskCallback !== 'function') {
      throw new ERR_INVALID_ARG_TYPE('options.pskCallback', 'function', options.pskCallback);
    }
    if (options.pskIdentityHint != null && typeof options.pskIdentityHint !== 'string') {
      throw new ERR_INVALID_ARG_TYPE('options.pskIdentityHint', 'string',
                                     options.pskIdentityHint);
    }
    this[kPskCallback] = options.pskCallback;
    this[kEnableTrace] = !!options.enableTrace;
    this[kPskIdentityHint] = options.pskIdentityHint;
    this.ALPNCallback = options.ALPNCallback;
    if (options.ALPNCallback) {
      if (typeof options.ALPNCallback !== 'function') {
        throw new ERR_INVALID_ARG_TYPE('options.ALPNCallback', 'Function',
                                       options.ALPNCallback);
      }
      if (options.ALPNProtocols) throw new ERR_TLS_ALPN_CALLBACK_WITH_PROTOCOLS();
    }
    this.setSecureContext(options);
    this.on('connection', onForeignConnection);
    if (listener) this.on('secureConnection', listener);
  }

  // The options of a server-side TLSSocket made by this server.
  [kSocketOptions]() {
    return {
      isServer: true,
      server: this,
      secureContext: this._sharedCreds,
      requestCert: this.requestCert,
      rejectUnauthorized: this.rejectUnauthorized,
      handshakeTimeout: this[kHandshakeTimeout],
      allowHalfOpen: this.allowHalfOpen,
      ALPNProtocols: this.ALPNProtocols,
      ALPNCallback: this.ALPNCallback,
      SNICallback: this[kSNICallback],
      pskCallback: this[kPskCallback],
      pskIdentityHint: this[kPskIdentityHint],
      enableTrace: this[kEnableTrace],
      defaultSNICallback,
      [kNoHandle]: true,
    };
  }

  setSecureContext(options) {
    if (options == null || typeof options !== 'object') {
      throw new ERR_INVALID_ARG_TYPE('options', 'object', options);
    }
    if (options.ALPNProtocols) convertALPNProtocols(options.ALPNProtocols, this);
    if (options.secureContext != null) {
      if (!isSecureContext(options.secureContext)) {
        throw new ERR_INVALID_ARG_TYPE('options.secureContext', 'SecureContext',
                                       options.secureContext);
      }
      this._sharedCreds = options.secureContext;
      return;
    }
    const ctxOptions = {};
    for (const name of contextOptionNames) {
      if (options[name] !== undefined) {
        ctxOptions[name] = options[name];
        this[name] = options[name];
      }
    }
    // Servers prefer their own cipher order unless told otherwise.
    ctxOptions.honorCipherOrder = options.honorCipherOrder !== undefined ?
      !!options.honorCipherOrder : true;
    if (ctxOptions.sessionIdContext === undefined) {
      ctxOptions.sessionIdContext = defaultSessionIdContext();
    }
    this._sharedCreds = createSecureContext(ctxOptions);
  }

  // An async 'secureConnection' listener that rejects destroys its socket.
  [Symbol.for('nodejs.rejection')](err, event, socket) {
    if (event === 'secureConnection') socket.destroy(err);
    else super[Symbol.for('nodejs.rejection')](err, event, socket);
  }

  address() {
    if (this._pipeName) return this._pipeName;
    return super.address();
  }

  // Serves `context` to clients asking for `servername` ('*' matches one
  // label); later additions take precedence.
  // Deprecated in Node: records the options, for contexts made later.
  setOptions(options) {
    if (!setOptionsWarned) {
      setOptionsWarned = true;
      process.emitWarning('Server.prototype.setOptions() is deprecated',
                          'DeprecationWarning', 'DEP0122');
    }
    this.requestCert = options.requestCert === true;
    this.rejectUnauthorized = options.rejectUnauthorized !== false;
    for (const name of contextOptionNames) {
      if (options[name] !== undefined) this[name] = options[name];
    }
  }

  addContext(servername, context) {
    if (!servername) throw new ERR_TLS_REQUIRED_SERVER_NAME();
    const pattern = servername.replace(/([.^$+?\-\\[\]{}])/g, '\\$1').replaceAll('*', '[^.]*');
    const re = new RegExp(`^${pattern}$`, sniPatternFlags());
    const secureContext = isSecureContext(context) ? context : createSecureContext(context);
    this._contexts.push([re, secureContext.context]);
  }

  getTicketKeys() {
    return this._sharedCreds.context.getTicketKeys();
  }

  // Validated by the built-in's own method (its errors differ by release),
  // which then hands the keys to this server's context.
  setTicketKeys(keys) {
    const context = this._sharedCreds.context;
    Reflect.apply(builtinTls.Server.prototype.setTicketKeys, {
      _sharedCreds: {
        context: {
          setTicketKeys(k) {
            context.setTicketKeys(Buffer.from(k.buffer, k.byteOffset, k.byteLength));
          },
        },
      },
    }, [keys]);
  }

  // A cluster worker's server sends these to the primary, which hands the
  // first worker's to every later one: the workers share ticket keys.
  _getServerData() {
    return { ticketKeys: this.getTicketKeys().toString('hex') };
  }

  _setServerData(data) {
    this.setTicketKeys(Buffer.from(data.ticketKeys, 'hex'));
  }

  listen(...args) {
    const normalized = net._normalizeArgs(args);
    const options = normalized[0];
    const cb = normalized[1];
    if (this._handle) throw new ERR_SERVER_ALREADY_LISTEN();
    // An existing handle or descriptor, and any socket in a cluster worker
    // (whose listening socket the primary owns), listen as net does; the
    // sockets net accepts are then taken over natively as they connect.
    if (listensThroughNet(options)) return super.listen(...args);
    if (options.signal !== undefined) closeOnAbort(this, options.signal);
    if (cb !== null && cb !== undefined) this.once('listening', cb);
    const backlogArg = toNumber(args.length > 1 && args[1]) ||
                       toNumber(args.length > 2 && args[2]);
    // listen(), listen(cb), listen(null[, cb]), or options.port undefined
    // or null: any free port.
    if (args.length === 0 || typeof args[0] === 'function' ||
        (options.port === undefined && 'port' in options) || options.port === null) {
      options.port = 0;
    }
    const backlog = options.backlog || backlogArg || 511;
    if (typeof options.port === 'number' || typeof options.port === 'string') {
      const port = validatePort(options.port);
      if (options.host) this[kLookupAndListen](options.host, port, backlog, options);
      else this[kListenOn](null, port, 4, backlog, options);
      return this;
    }
    if (options.path) {
      this[kListenOn](String(options.path), -1, -1, backlog, options);
      return this;
    }
    if (!('port' in options) && !('path' in options)) {
      throw new ERR_INVALID_ARG_VALUE('options', options,
                                      'must have the property "port" or "path"');
    }
    throw new ERR_INVALID_ARG_VALUE('options', options);
  }

  [kLookupAndListen](host, port, backlog, options) {
    dns.lookup(host, (err, address, family) => {
      if (err) {
        this.emit('error', err);
        return;
      }
      this[kListenOn](address, port, family, backlog, options);
    });
  }

  // Binds and listens; errors are emitted on the next tick, as net does.
  [kListenOn](address, port, family, backlog, options) {
    if (this[kListenAborted]) return;
    const isPipe = family === -1;
    let handle = new binding.Listener(isPipe);
    let err;
    if (isPipe) {
      err = handle.bind(address);
    } else if (address === null) {
      err = handle.bind('::', port, 6, false);
      if (err) {
        handle.close();
        handle = new binding.Listener(false);
        err = handle.bind('0.0.0.0', port, 4, false);
        address = '0.0.0.0';
      } else {
        address = '::';
      }
    } else {
      err = handle.bind(address, port, family, !!options.ipv6Only);
    }
    if (!err) err = handle.listen(backlog);
    if (err) {
      handle.close();
      const ex = uvExceptionWithHostPort(err, 'listen', address, isPipe ? undefined : port);
      process.nextTick(() => this.emit('error', ex));
      return;
    }
    handle[kOwner] = this;
    this._handle = handle;
    if (isPipe) this._pipeName = address;
    this._connectionKey = `${family}:${address}:${port}`;
    if (this._unref) handle.unref();
    process.nextTick(() => {
      if (this._handle) this.emit('listening');
    });
  }

  // A socket was accepted (or accepting failed).
  [kOnConnection](status, handle) {
    if (status < 0) {
      this.emit('error', uvExceptionWithHostPort(status, 'accept'));
      return;
    }
    if (this.maxConnections && this._connections >= this.maxConnections) {
      handle.close();
      return;
    }
    const socket = new TLSSocket(null, this[kSocketOptions]());
    socket[kAttach](handle);
    socket[kAccepted] = this;
    // The handshake goes on; the application resumes the data.
    if (this.pauseOnConnect) socket.pause();
    if (this.listenerCount('keylog') > 0) handle.enableKeylogCallback();
    socket.server = this;
    socket._server = this;
    this._connections++;
    socket.on('secure', onServerSocketSecure);
    socket.on('close', onServerSocketClose);
    this.emit('connection', socket);
    if (!socket.destroyed) socket[kStart]();
  }
}


// A socket emitted as 'connection' by the application (a plain socket to
// serve TLS on) is wrapped, as Node's server does.
function onForeignConnection(socket) {
  // Its own accepted sockets come here too; another server's are wrapped.
  if (socket[kAccepted] === this) return;
  const tlsSocket = new TLSSocket(socket, this[kSocketOptions]());
  if (this.listenerCount('keylog') > 0) tlsSocket._handle.enableKeylogCallback();
  tlsSocket.server = this;
  if (this.pauseOnConnect) tlsSocket.pause();
  tlsSocket.on('secure', onServerSocketSecure);
  tlsSocket.on('close', onServerSocketClose);
}

// A socket is waiting: taken here, inside the listener's callback, so that
// it starts in the listen() call's async context.
callbacks.onconnection = function onconnection(status) {
  const server = this[kOwner];
  if (status < 0) {
    if (server) server[kOnConnection](status);
    return;
  }
  const handle = this.accept();
  if (typeof handle === 'number') {
    if (server) server[kOnConnection](handle);
  } else if (server) {
    server[kOnConnection](0, handle);
  } else {
    handle.close();
  }
};

// The SNICallback of a server without one: the contexts of addContext().
function defaultSNICallback(servername, callback) {
  const contexts = this.server._contexts;
  for (let i = contexts.length - 1; i >= 0; --i) {
    const [re, context] = contexts[i];
    if (re.test(servername)) {
      callback(null, context);
      return;
    }
  }
  callback(null, undefined);
}

function onServerSocketSecure() {
  if (this._tlsOptions.requestCert) {
    const verifyError = this._handle.verifyError();
    if (verifyError) {
      this.authorizationError = verifyError.code;
      if (this._tlsOptions.rejectUnauthorized) this.destroy();
    } else {
      this.authorized = true;
    }
  }
  this.secureConnecting = false;
  if (!this.destroyed && this._releaseControl()) {
    this._tlsOptions.server.emit('secureConnection', this);
  }
}

function listensThroughNet(options) {
  if (require('cluster').isWorker) return true;
  const target = options._handle || options.handle || options;
  return target instanceof net.Server || typeof target.fd === 'number' ||
         (target !== options && target !== undefined);
}

// Like net: an aborted signal closes the server.
function closeOnAbort(server, signal) {
  if (signal === null || typeof signal !== 'object' || !('aborted' in signal)) {
    throw new ERR_INVALID_ARG_TYPE('options.signal', 'AbortSignal', signal);
  }
  const onAbort = () => {
    server[kListenAborted] = true;
    server.close();
  };
  if (signal.aborted) {
    process.nextTick(onAbort);
    return;
  }
  signal.addEventListener('abort', onAbort, { once: true });
  server.once('close', () => signal.removeEventListener('abort', onAbort));
}

function toNumber(x) {
  return (x = Number(x)) >= 0 ? x : false;
}

function validatePort(port) {
  if ((typeof port !== 'number' && typeof port !== 'string') ||
      (typeof port === 'string' && port.trim() === '') ||
      +port !== (+port >>> 0) || +port > 0xFFFF) {
    throw new ERR_SOCKET_BAD_PORT('options.port', port);
  }
  return +port;
}

// setOptions() (deprecated, DEP0122) went away in Node 24: a server has it
// where the running Node's has it.
if (typeof builtinTls.Server.prototype.setOptions !== 'function') {
  delete Server.prototype.setOptions;
}

function createServer(options, listener) {
  return new Server(options, listener);
}

// Like Node's, the constructor may also be called without `new`.
const CallableServer = new Proxy(Server, {
  apply(target, thisArg, args) {
    return new target(...args);
  },
});

module.exports = { Server: CallableServer, createServer };
