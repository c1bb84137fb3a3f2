'use strict';
// The interface between the files that make up a TLSSocket (socket.js
// installs the methods that socket-connect.js, socket-wrap.js,
// socket-handshake.js and socket-info.js define), the native callbacks
// (callbacks.js), tls.connect(), the server and the legacy pair. Everything
// else stays in the file that owns it.

// The socket's private state those files share: one record per socket.
const kState = Symbol('kState');

class SocketState {
  constructor() {
    this.options = null;        // connect()'s options, once it was called
    this.parent = null;         // the stream the socket wraps, if any
    this.adopted = null;        // the net.Socket whose descriptor it took
    this.started = false;       // the handshake was started
    this.errorEmitted = false;
    this.certError = null;      // why a server's certificate callback failed
    this.sessionToOffer = null; // a client's, to resume
    this.pendingSession = null; // 'session' held until 'secureConnect'
    this.pskCallback = null;
    this.keylogFile = null;     // --tls-keylog
    this.renegotiationDisabled = false; // asked for before the handle came
    this.writeCb = null;        // the write and shutdown under way
    this.shutdownCb = null;
    this.bytesRead = 0;
    this.closeHadError = false;
    // A native-stream wrapper that takes the plaintext straight from the
    // native side while the socket flows with nothing buffered.
    this.directReader = null;
  }
}

module.exports = {
  kState,
  SocketState,
  // A native Connection's TLSSocket, and the stream it carries bytes for.
  kOwner: Symbol('kOwner'),
  kParent: Symbol('kParent'),
  // A tlsOptions key: the socket gets its handle later (kAttach).
  kNoHandle: Symbol('kNoHandle'),
  // The socket's internal methods, by the file that defines them.
  kAttach: Symbol('kAttach'), // socket.js: takes a native Connection
  kStart: Symbol('kStart'), //   socket.js: sets up TLS, starts the handshake
  kConnect: Symbol('kConnect'), //            socket-connect.js
  kOnConnect: Symbol('kOnConnect'), //        socket-connect.js
  kWrap: Symbol('kWrap'), //                  socket-wrap.js
  kStartWhenConnected: Symbol('kStartWhenConnected'), // socket-wrap.js
  kOnHandshake: Symbol('kOnHandshake'), //    socket.js
  kOnTLSError: Symbol('kOnTLSError'), //      socket.js
  kSessionApplicable: Symbol('kSessionApplicable'), // socket-handshake.js
  kOnCertCb: Symbol('kOnCertCb'), //          socket-handshake.js
  kOnNewSession: Symbol('kOnNewSession'), //  socket-handshake.js
  kOnResumeSession: Symbol('kOnResumeSession'), // socket-handshake.js
  kOnRenegotiation: Symbol('kOnRenegotiation'), // socket-handshake.js
};
