'use strict';
// uvtls/https: node:https with uvtls sockets under it. The HTTP machinery
// is Node's own (http's connection listener and server options, the
// ClientRequest, http.Agent and the https Agent's session cache and pool
// keys), so it behaves as the running Node's does; only the TLS is uvtls.

const builtinHttps = require('node:https');
const builtinTls = require('node:tls');
const {
  _connectionListener,
  storeHTTPOptions,
  setupConnectionsTracking,
} = require('_http_server');
const tls = require('./tls');
const { codes: { ERR_INVALID_ARG_TYPE } } = require('./errors');

// Node's https code looks up `tls.connect` and `https.globalAgent` on the
// built-in modules at each call. While it runs for uvtls (synchronously),
// those two point at uvtls's; they are restored before it returns.
function callWith(target, name, value, fn, thisArg, args) {
  const saved = target[name];
  target[name] = value;
  try {
    return Reflect.apply(fn, thisArg, args);
  } finally {
    target[name] = saved;
  }
}

function Server(opts, requestListener) {
  if (!new.target) return new Server(opts, requestListener);
  let ALPNProtocols = ['http/1.1'];
  if (typeof opts === 'function') {
    requestListener = opts;
    opts = {};
  } else if (opts == null) {
    opts = {};
  } else {
    if (typeof opts !== 'object' || Array.isArray(opts)) {
      throw new ERR_INVALID_ARG_TYPE('options', 'object', opts);
    }
    // ALPNProtocols and ALPNCallback exclude each other: the default
    // applies only when neither is given.
    if (opts.ALPNProtocols || opts.ALPNCallback) ALPNProtocols = undefined;
  }
  // The HTTP options are read (and validated) before the TLS ones, as in
  // Node; the TLS server's own properties win where both set one.
  const httpOptions = {};
  storeHTTPOptions.call(httpOptions, opts);
  const server = Reflect.construct(tls.Server, [
    { noDelay: true, ALPNProtocols, ...opts },
    _connectionListener,
  ], new.target);
  for (const key of Reflect.ownKeys(httpOptions)) {
    if (!Object.prototype.hasOwnProperty.call(server, key)) {
      Object.defineProperty(server, key, Object.getOwnPropertyDescriptor(httpOptions, key));
    }
  }
  server.httpAllowHalfOpen = false;
  if (requestListener) server.addListener('request', requestListener);
  server.addListener('tlsClientError', function addListener(err, conn) {
    if (!this.emit('clientError', err, conn)) conn.destroy(err);
  });
  server.timeout = 0;
  server.maxHeadersCount = null;
  server.on('listening', setupConnectionsTracking);
  return server;
}
Object.setPrototypeOf(Server.prototype, tls.Server.prototype);
Object.setPrototypeOf(Server, tls.Server);

// closeAllConnections, closeIdleConnections, setTimeout, close and
// Symbol.asyncDispose: Node's, which apply to any https server (close goes
// on to net.Server's, as uvtls's tls.Server does).
for (const key of Reflect.ownKeys(builtinHttps.Server.prototype)) {
  if (key === 'constructor') continue;
  Object.defineProperty(Server.prototype, key,
                        Object.getOwnPropertyDescriptor(builtinHttps.Server.prototype, key));
}

function createServer(opts, requestListener) {
  return new Server(opts, requestListener);
}

// The built-in Agent with its connections made by uvtls: pool keys, the
// TLS session cache (maxCachedSessions) and eviction stay Node's.
function Agent(options) {
  if (!new.target) return new Agent(options);
  return Reflect.construct(builtinHttps.Agent, [options], new.target);
}
Object.setPrototypeOf(Agent.prototype, builtinHttps.Agent.prototype);
Object.setPrototypeOf(Agent, builtinHttps.Agent);

const builtinCreateConnection = builtinHttps.Agent.prototype.createConnection;
Agent.prototype.createConnection = function createConnection(...args) {
  return callWith(builtinTls, 'connect', tls.connect, builtinCreateConnection, this, args);
};

function request(...args) {
  return callWith(builtinHttps, 'globalAgent', module.exports.globalAgent,
                  builtinHttps.request, undefined, args);
}

function get(input, options, cb) {
  const req = request(input, options, cb);
  req.end();
  return req;
}

module.exports = {
  Agent,
  // The built-in's options (keep-alive, lifo, timeout, and the proxy
  // settings of the running Node's command line).
  globalAgent: new Agent(builtinHttps.globalAgent.options),
  Server,
  createServer,
  get,
  request,
};
