'use strict';
// A client TLSSocket connecting by itself: by path, or by host and port
// (a lookup, then each address in turn, as net does), the handshake once
// connected. TLSSocket methods (socket.js lists them).

const net = require('net');
const dns = require('dns');
const binding = require('./native');
const {
  codes: { ERR_INVALID_ARG_TYPE, ERR_INVALID_IP_ADDRESS, ERR_SOCKET_BAD_PORT },
  errnoException,
  exceptionWithHostPort,
} = require('./errors');
const { kState, kAttach, kConnect, kOnConnect, kOwner, kStart } = require('./symbols');
const kRemote = Symbol('kRemote');
const kRemaining = Symbol('kRemaining');
const kConnectAddress = Symbol('kConnectAddress');
const { TRANSPORT_TCP, TRANSPORT_PIPE } = require('./socket-wrap');
const { validateAutoSelectFamily } = require('./validators');

function dnsFamily(family) {
  if (family === 'IPv4') return 4;
  if (family === 'IPv6') return 6;
  return family;
}

const methods = {
  // Connects a client socket by address or path; the handshake follows.
  [kConnect](options) {
    // Destroyed before it started, or by an AbortSignal aborted already
    // (the stream then reports the abort although net's constructor
    // revives its state): no connection is made.
    if (this.destroyed || this._tlsOptions.signal?.aborted) return;
    this.connecting = true;
    const unused = this._handle;
    if (unused) {
      this._handle = null;
      unused[kOwner] = null;
      if (options.path) unused.close();
    }
    if (options.path) {
      this[kAttach](new binding.Connection(TRANSPORT_PIPE));
      this._handle.connect(String(options.path));
      return;
    }
    // In net's order: the local address and port, the port, then
    // autoSelectFamily.
    if (options.localAddress && !net.isIP(options.localAddress)) {
      throw new ERR_INVALID_IP_ADDRESS(options.localAddress);
    }
    if (options.localPort && typeof options.localPort !== 'number') {
      throw new ERR_INVALID_ARG_TYPE('options.localPort', 'number', options.localPort);
    }
    const port = options.port;
    if ((typeof port !== 'number' && typeof port !== 'string') ||
        (typeof port === 'string' && port.trim() === '') ||
        +port !== (+port >>> 0) || +port > 0xFFFF) {
      throw new ERR_SOCKET_BAD_PORT('Port', port);
    }
    validateAutoSelectFamily(options);
    const host = options.host || 'localhost';
    this[kAttach](unused || new binding.Connection(TRANSPORT_TCP));
    const family = net.isIP(host);
    if (family) {
      process.nextTick(() => this[kConnectAddress](host, +port, family));
      return;
    }
    if (options.lookup != null && typeof options.lookup !== 'function') {
      throw new ERR_INVALID_ARG_TYPE('options.lookup', 'Function', options.lookup);
    }
    const lookup = options.lookup || dns.lookup;
    const dnsOptions = { family: dnsFamily(options.family), hints: options.hints || 0 };
    if (dnsOptions.family !== 4 && dnsOptions.family !== 6 && dnsOptions.hints === 0) {
      dnsOptions.hints = dns.ADDRCONFIG;
    }
    // As net does by default (autoSelectFamily): every address, tried in
    // turn until one connects.
    const all = options.autoSelectFamily ?? net.getDefaultAutoSelectFamily();
    if (all) dnsOptions.all = true;
    lookup(host, dnsOptions, (err, address, addressType) => {
      const addresses = all && Array.isArray(address) ? address :
        [{ address, family: addressType }];
      this.emit('lookup', err, addresses[0]?.address, addresses[0]?.family, host);
      if (!this.connecting || this.destroyed) return;
      if (!err && addresses.length === 0) {
        err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`),
                            { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: host });
      }
      if (err) {
        process.nextTick(() => this.destroy(err));
        return;
      }
      this[kRemaining] = addresses.slice(1);
      this[kConnectAddress](addresses[0].address, +port, addresses[0].family);
    });
  },


  [kConnectAddress](address, port, family) {
    if (!this._handle || !this.connecting || this.destroyed) return;
    this[kRemote] = { address, port };
    const { localAddress, localPort } = this[kState].options || {};
    if (localAddress || localPort) {
      const local = localAddress || (family === 6 ? '::' : '0.0.0.0');
      const err = this._handle.bind(local, localPort || 0, family);
      if (err) {
        this.destroy(exceptionWithHostPort(err, 'bind', localAddress, localPort));
        return;
      }
    }
    const err = this._handle.connect(address, port, family);
    if (err) this.destroy(exceptionWithHostPort(err, 'connect', address, port));
  },

  [kOnConnect](status) {
    if (!this.connecting) return;
    const next = this[kRemaining]?.shift();
    if (status < 0 && next) {
      // The next address, on a fresh socket.
      const failed = this._handle;
      failed[kOwner] = null;
      failed.close();
      this._handle = null;
      this[kAttach](new binding.Connection(TRANSPORT_TCP));
      this[kConnectAddress](next.address, this[kRemote].port, next.family);
      return;
    }
    this.connecting = false;
    if (status < 0) {
      const remote = this[kRemote] || {};
      this.destroy(remote.address ?
        exceptionWithHostPort(status, 'connect', remote.address, remote.port) :
        errnoException(status, 'connect', this[kState].options.path));
      return;
    }
    this._sockname = null;
    this.emit('connect');
    this.emit('ready');
    if (this.destroyed) return;
    this[kStart]();
    if (this.readable && !this.isPaused()) this.read(0);
  },
};

module.exports = { methods };
