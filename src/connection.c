#include "connection.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "context.h"
#include "errors.h"
#include "util.h"

#define PLAIN_CHUNK (64 * 1024)

static void on_connect(transport_t *t, int status);
static void on_read(transport_t *t, ssize_t nread, const char *data);
static void on_write(transport_t *t, int status, int notify);
static void on_shutdown(transport_t *t, int status);
static void on_close(transport_t *t);

static int js_write(transport_t *t, const char *data, size_t len);
static void js_read_control(transport_t *t, int start);
static void js_shutdown(transport_t *t);

static const transport_callbacks_t callbacks = {
    on_connect, on_read,  on_write,        on_shutdown,
    on_close,   js_write, js_read_control, js_shutdown,
};

static int alive(const connection_t *c) {
  return c->handle_open && !transport_is_closing(&c->transport) && !c->failed;
}

/* Calls a JavaScript callback with the connection object as `this`. */
static napi_value call_js(connection_t *c, int which, size_t argc,
                          const napi_value *argv) {
  napi_value self;

  if (c->inst->tearing_down ||
      napi_get_reference_value(c->env, c->self_ref, &self) != napi_ok ||
      self == NULL)
    return NULL;
  return instance_call(c->inst, c->async_ctx, self, which, argc, argv);
}

static void call_js_status(connection_t *c, int which, int status) {
  napi_value arg = util_int(c->env, status);
  call_js(c, which, 1, &arg);
}

/* Sends whatever ciphertext the session produced. */
static int flush_out(connection_t *c, int notify) {
  const char *data;
  size_t len = session_out_peek(&c->session, &data);
  int r;

  if (len == 0)
    return 0;
  r = transport_write(&c->transport, data, len, notify);
  session_out_consume(&c->session, len);
  if (r == 1 && notify)
    c->js_write_pending = 1;
  return r;
}

static void update_reading(connection_t *c) {
  if (!alive(c))
    return;
  if (c->ended || (c->session.handshake_done && !c->js_reading))
    transport_read_stop(&c->transport);
  else
    transport_read_start(&c->transport);
}

static void fail_with(connection_t *c, napi_value error) {
  c->failed = 1;
  transport_read_stop(&c->transport);
  call_js(c, CB_ONERROR, 1, &error);
}

static void fail_tls(connection_t *c) {
  napi_value error = errors_tls_from_queue(c->env, "TLS error");
  flush_out(c, 0); /* the alert, if OpenSSL queued one */
  fail_with(c, error);
}

static void deliver_end(connection_t *c) {
  c->ended = 1;
  transport_read_stop(&c->transport);
  call_js(c, CB_ONEND, 0, NULL);
}

/* Decrypts what the session holds and hands it to JavaScript, one callback
 * per batch of up to PLAIN_CHUNK bytes. */
static void deliver_plaintext(connection_t *c) {
  instance_t *inst = c->inst;
  int own_buf = inst->plain_busy;
  char *buf = own_buf ? malloc(PLAIN_CHUNK) : inst->plain_buf;
  session_status_t st = SESSION_OK;

  if (buf == NULL)
    return;
  if (!own_buf)
    inst->plain_busy = 1;
  while (c->js_reading && alive(c) && !c->ended) {
    napi_value chunk, error = NULL, result;
    size_t filled = 0, n;
    bool more = true;

    while (filled < PLAIN_CHUNK) {
      st = session_read(&c->session, buf + filled, PLAIN_CHUNK - filled, &n);
      if (st != SESSION_OK)
        break;
      filled += n;
    }
    if (st == SESSION_ERROR)
      error = errors_tls_from_queue(c->env, "TLS error");
    flush_out(c, 0);
    if (filled > 0) {
      chunk = util_buffer_copy(c->env, buf, filled);
      c->read_requested = 0;
      result = call_js(c, CB_ONDATA, 1, &chunk);
      if (result != NULL)
        napi_get_value_bool(c->env, result, &more);
      /* A full buffer stops reading, unless the stream asked for more
       * while the chunk was being pushed. */
      if (!more && !c->read_requested)
        c->js_reading = 0;
    }
    if (!alive(c) || st == SESSION_WANT_INPUT)
      break;
    if (st == SESSION_CLOSED) {
      deliver_end(c);
      break;
    }
    if (st == SESSION_ERROR) {
      fail_with(c, error);
      break;
    }
  }
  if (!own_buf)
    inst->plain_busy = 0;
  else
    free(buf);
  update_reading(c);
}

/* Advances the handshake, then delivers application data. */
static void process_input(connection_t *c) {
  if (!c->session.handshake_done) {
    session_status_t st = session_handshake(&c->session);
    if (st == SESSION_ERROR || st == SESSION_CLOSED) {
      fail_tls(c);
      return;
    }
    flush_out(c, 0);
    if (st != SESSION_OK)
      return;
    call_js(c, CB_ONHANDSHAKE, 0, NULL);
    if (!alive(c))
      return;
    update_reading(c);
  }
  if (c->js_reading)
    deliver_plaintext(c);
}

static void on_connect(transport_t *t, int status) {
  connection_t *c = container_of(t, connection_t, transport);
  napi_handle_scope scope;

  napi_open_handle_scope(c->env, &scope);
  call_js_status(c, CB_ONCONNECT, status);
  napi_close_handle_scope(c->env, scope);
}

static void on_read(transport_t *t, ssize_t nread, const char *data) {
  connection_t *c = container_of(t, connection_t, transport);
  napi_handle_scope scope;

  napi_open_handle_scope(c->env, &scope);
  if (nread < 0) {
    transport_read_stop(t);
    if (nread == UV_EOF) {
      deliver_end(c);
    } else {
      napi_value args[2] = {util_int(c->env, nread),
                            util_string(c->env, "read")};
      c->failed = 1;
      call_js(c, CB_ONERROR, 2, args);
    }
  } else if (c->has_session && alive(c)) {
    if (session_feed(&c->session, data, (size_t)nread) != 0)
      call_js_status(c, CB_ONERROR, UV_ENOMEM);
    else
      process_input(c);
  }
  napi_close_handle_scope(c->env, scope);
}

static void on_write(transport_t *t, int status, int notify) {
  connection_t *c = container_of(t, connection_t, transport);
  napi_handle_scope scope;

  if (!alive(c))
    return;
  napi_open_handle_scope(c->env, &scope);
  if (notify) {
    c->js_write_pending = 0;
    call_js_status(c, CB_ONWRITE, status);
  } else if (status < 0) {
    napi_value args[2] = {util_int(c->env, status),
                          util_string(c->env, "write")};
    call_js(c, CB_ONERROR, 2, args);
  }
  napi_close_handle_scope(c->env, scope);
}

static void on_shutdown(transport_t *t, int status) {
  connection_t *c = container_of(t, connection_t, transport);
  napi_handle_scope scope;

  if (!alive(c))
    return;
  napi_open_handle_scope(c->env, &scope);
  call_js_status(c, CB_ONSHUTDOWN, status);
  napi_close_handle_scope(c->env, scope);
}

/* The JavaScript-stream transport: ciphertext goes out through onwire(),
 * whose result tells whether the stream wants more. */
static int js_write(transport_t *t, const char *data, size_t len) {
  connection_t *c = container_of(t, connection_t, transport);
  napi_value chunk = util_buffer_copy(c->env, data, len);
  napi_value result;
  bool more = true;

  if (chunk == NULL)
    return UV_ENOMEM;
  result = call_js(c, CB_ONWIRE, 1, &chunk);
  if (result != NULL)
    napi_get_value_bool(c->env, result, &more);
  return more ? 0 : 1;
}

static void js_read_control(transport_t *t, int start) {
  connection_t *c = container_of(t, connection_t, transport);
  napi_value arg = util_bool(c->env, start);

  call_js(c, CB_ONWIREREAD, 1, &arg);
}

static void js_shutdown(transport_t *t) {
  connection_t *c = container_of(t, connection_t, transport);

  call_js(c, CB_ONWIREEND, 0, NULL);
}

static void connection_free(connection_t *c) {
  if (c->has_session)
    session_free(&c->session);
  c->has_session = 0;
  free(c);
}

static void on_close(transport_t *t) {
  connection_t *c = container_of(t, connection_t, transport);
  napi_handle_scope scope;

  c->handle_open = 0;
  instance_untrack(c->inst, &c->live);
  if (c->has_session) {
    session_free(&c->session);
    c->has_session = 0;
  }
  if (!c->inst->tearing_down) {
    napi_open_handle_scope(c->env, &scope);
    call_js(c, CB_ONCLOSE, 0, NULL);
    napi_close_handle_scope(c->env, scope);
    napi_async_destroy(c->env, c->async_ctx);
    c->async_ctx = NULL;
    if (c->held)
      napi_reference_unref(c->env, c->self_ref, NULL);
    c->held = 0;
  }
  if (c->js_gone)
    connection_free(c);
}

static void force_close(live_handle_t *h) {
  connection_t *c = container_of(h, connection_t, live);
  transport_close(&c->transport);
}

/* Once the socket is in use, its JavaScript object lives until it closes. */
static void hold(connection_t *c) {
  if (c->held || c->self_ref == NULL)
    return;
  c->held = 1;
  napi_reference_ref(c->env, c->self_ref, NULL);
}

static void connection_finalize(napi_env env, void *data, void *hint) {
  connection_t *c = data;

  (void)hint;
  c->js_gone = 1;
  napi_delete_reference(env, c->self_ref);
  c->self_ref = NULL;
  if (c->handle_open)
    transport_close(&c->transport); /* freed by on_close */
  else
    connection_free(c);
}

connection_t *connection_unwrap(napi_env env, napi_value v) {
  connection_t *c = NULL;

  if (napi_unwrap(env, v, (void **)&c) != napi_ok || c == NULL) {
    util_throw_type(env, "ERR_INVALID_THIS", "not a uvtls connection");
    return NULL;
  }
  return c;
}

/* new Connection(kind): TRANSPORT_TCP, TRANSPORT_PIPE or TRANSPORT_JS */
static napi_value connection_new(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  instance_t *inst = instance_get(env);
  napi_value name;
  connection_t *c;
  int err;

  if (inst == NULL)
    return NULL;
  c = calloc(1, sizeof(*c));
  if (c == NULL)
    return util_throw(env, "ERR_MEMORY_ALLOCATION_FAILED", "out of memory");
  c->inst = inst;
  c->env = env;
  err = transport_init(&c->transport, inst->loop,
                       (transport_kind_t)util_get_int(env, argv[0], 0),
                       &callbacks, &inst->read_buf);
  if (err != 0) {
    free(c);
    return util_throw(env, "ERR_UVTLS_INTERNAL", uv_strerror(err));
  }
  c->handle_open = 1;
  c->live.force_close = force_close;
  instance_track(inst, &c->live);
  if (napi_wrap(env, self, c, connection_finalize, NULL, &c->self_ref) !=
      napi_ok) {
    c->js_gone = 1;
    transport_close(&c->transport);
    return util_throw(env, "ERR_UVTLS_INTERNAL", "napi_wrap failed");
  }
  napi_create_string_utf8(env, "TLSWRAP", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, self, name, &c->async_ctx);
  return self;
}

#define THIS_CONNECTION(env, self, c)                                          \
  connection_t *c = connection_unwrap(env, self);                              \
  if (c == NULL)                                                               \
    return NULL;

/* connect(address, port, family) or connect(path): result via onconnect */
static napi_value connection_connect(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 3, argv, self);
  THIS_CONNECTION(env, self, c);
  struct sockaddr_storage addr;
  char *host = util_get_string(env, argv[0]);
  int err;

  if (host == NULL)
    return NULL;
  hold(c);
  if (c->transport.is_pipe) {
    transport_connect_pipe(&c->transport, host);
    free(host);
    return util_int(env, 0);
  }
  if (util_get_int(env, argv[2], 4) == 6)
    err = uv_ip6_addr(host, util_get_int(env, argv[1], 0),
                      (struct sockaddr_in6 *)&addr);
  else
    err = uv_ip4_addr(host, util_get_int(env, argv[1], 0),
                      (struct sockaddr_in *)&addr);
  free(host);
  if (err == 0)
    err = transport_connect_tcp(&c->transport, (struct sockaddr *)&addr);
  return util_int(env, err);
}

static int verify_accept_all(int preverify_ok, X509_STORE_CTX *ctx) {
  (void)preverify_ok;
  (void)ctx;
  /* The verdict is read after the handshake, as Node does, so that the
   * application decides with rejectUnauthorized. */
  return 1;
}

/* setup(context, isServer, servername, requestCert, rejectUnauthorized) */
static napi_value connection_setup(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 5, argv, self);
  THIS_CONNECTION(env, self, c);
  SSL_CTX *ctx = context_from_value(env, argv[0]);
  int is_server = util_get_bool(env, argv[1]);
  int mode = SSL_VERIFY_NONE;

  if (ctx == NULL)
    return NULL;
  if (c->has_session)
    return util_throw(env, "ERR_TLS_INVALID_STATE", "already set up");
  if (session_init(&c->session, ctx, is_server) != 0)
    return errors_throw_queue(env, "SSL_new");
  c->has_session = 1;
  if (!is_server) {
    mode = SSL_VERIFY_PEER;
    if (!util_is_nullish(env, argv[2])) {
      char *name = util_get_string(env, argv[2]);
      if (name == NULL)
        return NULL;
      SSL_set_tlsext_host_name(c->session.ssl, name);
      free(name);
    }
  } else if (util_get_bool(env, argv[3])) {
    mode = SSL_VERIFY_PEER;
    if (util_get_bool(env, argv[4]))
      mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  }
  SSL_set_verify(c->session.ssl, mode, verify_accept_all);
  return util_undefined(env);
}

/* start(): begins the handshake once the socket is connected. */
static napi_value connection_start(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);
  int err;

  (void)argv;
  if (!c->has_session || !alive(c))
    return util_int(env, UV_EINVAL);
  hold(c);
  if (!c->session.is_server) {
    if (session_handshake(&c->session) == SESSION_ERROR) {
      fail_tls(c);
      return util_int(env, 0);
    }
    flush_out(c, 0);
  }
  err = transport_read_start(&c->transport);
  return util_int(env, err);
}

static napi_value connection_read_start(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);

  (void)argv;
  c->js_reading = 1;
  c->read_requested = 1;
  if (!alive(c) || !c->has_session)
    return util_undefined(env);
  if (c->session.handshake_done && session_has_input(&c->session))
    deliver_plaintext(c);
  else
    update_reading(c);
  return util_undefined(env);
}

static napi_value connection_read_stop(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);

  (void)argv;
  c->js_reading = 0;
  update_reading(c);
  return util_undefined(env);
}

static napi_value write_result(connection_t *c, session_status_t st) {
  if (st == SESSION_OK)
    return util_int(c->env, flush_out(c, 1));
  return errors_from_queue(c->env, "write after the TLS session closed");
}

/* write(buffer) -> 0 written, 1 pending (onwrite follows), <0 uv error, or
 * an Error from TLS. */
static napi_value connection_write(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  THIS_CONNECTION(env, self, c);
  const char *data;
  size_t len;

  if (!alive(c) || !c->has_session || !c->session.handshake_done)
    return util_int(env, UV_EPIPE);
  if (!util_get_bytes(env, argv[0], &data, &len))
    return util_throw_type(env, "ERR_INVALID_ARG_TYPE", "expected a Buffer");
  return write_result(c, session_write(&c->session, data, len));
}

/* writev(array of buffers): every chunk encrypted, then one send. */
static napi_value connection_writev(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  THIS_CONNECTION(env, self, c);
  session_status_t st = SESSION_OK;
  uint32_t count = 0;

  if (!alive(c) || !c->has_session || !c->session.handshake_done)
    return util_int(env, UV_EPIPE);
  NAPI_CALL(env, napi_get_array_length(env, argv[0], &count));
  for (uint32_t i = 0; i < count && st == SESSION_OK; i++) {
    napi_value item;
    const char *data;
    size_t len;
    NAPI_CALL(env, napi_get_element(env, argv[0], i, &item));
    if (!util_get_bytes(env, item, &data, &len))
      return util_throw_type(env, "ERR_INVALID_ARG_TYPE", "expected Buffers");
    st = session_write(&c->session, data, len);
  }
  return write_result(c, st);
}

/* shutdown(): close_notify, then TCP half-close once it is sent. */
static napi_value connection_shutdown(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);

  (void)argv;
  if (!alive(c))
    return util_int(env, UV_ENOTCONN);
  if (c->has_session && c->session.handshake_done) {
    session_shutdown(&c->session);
    flush_out(c, 0);
  }
  return util_int(env, transport_shutdown(&c->transport));
}

/* feed(buffer) / feed(null) at end: ciphertext from a JavaScript stream */
static napi_value connection_feed(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  THIS_CONNECTION(env, self, c);
  const char *data;
  size_t len;

  if (c->transport.kind != TRANSPORT_JS)
    return util_throw(env, "ERR_INVALID_STATE", "not a stream connection");
  if (util_is_nullish(env, argv[0])) {
    transport_js_receive(&c->transport, UV_EOF, NULL);
    return util_undefined(env);
  }
  if (!util_get_bytes(env, argv[0], &data, &len))
    return util_throw_type(env, "ERR_INVALID_ARG_TYPE", "expected a Buffer");
  transport_js_receive(&c->transport, (ssize_t)len, data);
  return util_undefined(env);
}

/* wireDrained(): the JavaScript stream took its buffered writes. */
static napi_value connection_wire_drained(napi_env env,
                                          napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);

  (void)argv;
  if (c->transport.kind == TRANSPORT_JS)
    transport_js_drained(&c->transport);
  return util_undefined(env);
}

static napi_value connection_close(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);

  (void)argv;
  if (c->handle_open)
    transport_close(&c->transport);
  return util_undefined(env);
}

static napi_value connection_ref(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);

  (void)argv;
  if (c->handle_open)
    uv_ref(&c->transport.h.handle);
  return util_undefined(env);
}

static napi_value connection_unref(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);

  (void)argv;
  if (c->handle_open)
    uv_unref(&c->transport.h.handle);
  return util_undefined(env);
}

static napi_value connection_write_queue_size(napi_env env,
                                              napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);

  (void)argv;
  return util_int(env, (int64_t)c->transport.queued_bytes);
}

napi_value connection_define(napi_env env) {
  static const napi_property_descriptor methods[] = {
      METHOD("connect", connection_connect),
      METHOD("setup", connection_setup),
      METHOD("start", connection_start),
      METHOD("readStart", connection_read_start),
      METHOD("readStop", connection_read_stop),
      METHOD("write", connection_write),
      METHOD("writev", connection_writev),
      METHOD("shutdown", connection_shutdown),
      METHOD("close", connection_close),
      METHOD("feed", connection_feed),
      METHOD("wireDrained", connection_wire_drained),
      METHOD("ref", connection_ref),
      METHOD("unref", connection_unref),
      METHOD("writeQueueSize", connection_write_queue_size),
      METHOD("getpeername", connection_getpeername),
      METHOD("getsockname", connection_getsockname),
      METHOD("setNoDelay", connection_set_no_delay),
      METHOD("setKeepAlive", connection_set_keep_alive),
      METHOD("getProtocol", connection_get_protocol),
      METHOD("getCipher", connection_get_cipher),
      METHOD("getServername", connection_get_servername),
      METHOD("verifyError", connection_verify_error),
      METHOD("getPeerCertificateChain", connection_get_peer_chain),
      METHOD("getCertificate", connection_get_certificate),
      METHOD("isSessionReused", connection_is_session_reused),
  };
  return util_define_class(env, "Connection", connection_new, methods,
                           ARRAY_SIZE(methods));
}
