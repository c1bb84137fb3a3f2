/* The methods JavaScript calls on a Connection. */

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "node/connection.h"
#include "node/context.h"
#include "node/errors.h"
#include "node/connection_hooks.h"
#include "node/util.h"

#define THIS_CONNECTION(env, self, c)                                          \
  connection_t *c = connection_unwrap(env, self);                              \
  if (c == NULL)                                                               \
    return NULL;

static int parse_address(napi_env env, napi_value host_v, napi_value port_v,
                         napi_value family_v, struct sockaddr_storage *addr) {
  char *host = util_get_string(env, host_v);
  int err;

  if (host == NULL)
    return UV_EINVAL;
  if (util_get_int(env, family_v, 4) == 6)
    err = uv_ip6_addr(host, util_get_int(env, port_v, 0),
                      (struct sockaddr_in6 *)addr);
  else
    err = uv_ip4_addr(host, util_get_int(env, port_v, 0),
                      (struct sockaddr_in *)addr);
  free(host);
  return err;
}

/* bind(address, port, family): the local address to connect from */
static napi_value connection_bind(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 3, argv, self);
  THIS_CONNECTION(env, self, c);
  struct sockaddr_storage addr;
  int err;

  if (c->transport.kind != TRANSPORT_TCP)
    return util_int(env, UV_EINVAL);
  err = parse_address(env, argv[0], argv[1], argv[2], &addr);
  if (err == 0)
    err = transport_bind_tcp(&c->transport, (struct sockaddr *)&addr);
  return util_int(env, err);
}

/* connect(address, port, family) or connect(path): result via onconnect */
static napi_value connection_connect(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 3, argv, self);
  THIS_CONNECTION(env, self, c);
  struct sockaddr_storage addr;
  char *host;
  int err;

  connection_hold(c);
  if (c->transport.kind == TRANSPORT_PIPE) {
    host = util_get_string(env, argv[0]);
    if (host == NULL)
      return NULL;
    transport_connect_pipe(&c->transport, host);
    free(host);
    return util_int(env, 0);
  }
  err = parse_address(env, argv[0], argv[1], argv[2], &addr);
  if (err == 0)
    err = transport_connect_tcp(&c->transport, (struct sockaddr *)&addr);
  return util_int(env, err);
}

/* A hook asked for before setup() is turned on there. */
static void enable_hook(connection_t *c, unsigned hook) {
  if (c->has_session)
    session_enable(&c->session, hook);
  else
    c->early_hooks |= hook;
}

/* setup(context, isServer, servername, requestCert, rejectUnauthorized) */
static napi_value connection_setup(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 5, argv, self);
  THIS_CONNECTION(env, self, c);
  SSL_CTX *ctx = context_from_value(env, argv[0]);
  int is_server = util_get_bool(env, argv[1]);
  int mode = 0;

  if (ctx == NULL)
    return NULL;
  if (c->has_session)
    return util_throw(env, "ERR_TLS_INVALID_STATE", "already set up");
  if (session_init(&c->session, ctx, is_server, &connection_session_hooks) != 0)
    return errors_throw_queue(env, "SSL_new");
  c->has_session = 1;
  if (!is_server) {
    mode = SESSION_VERIFY_PEER;
    if (!util_is_nullish(env, argv[2])) {
      char *name = util_get_string(env, argv[2]);
      if (name == NULL)
        return NULL;
      session_set_servername(&c->session, name);
      free(name);
    }
  } else if (util_get_bool(env, argv[3])) {
    mode = SESSION_VERIFY_PEER;
    if (util_get_bool(env, argv[4]))
      mode |= SESSION_VERIFY_REQUIRE_CERT;
  }
  session_set_verify(&c->session, mode);
  if (c->trace)
    session_trace(&c->session);
  for (unsigned bit = 1; c->early_hooks != 0; bit <<= 1) {
    if (c->early_hooks & bit)
      session_enable(&c->session, bit);
    c->early_hooks &= ~bit;
  }
  return util_undefined(env);
}

/* setALPNProtocols(wire): a client offers them; a server chooses among
 * them. setALPNProtocols(true): a server asks JavaScript (onalpn). */
static napi_value connection_set_alpn(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  THIS_CONNECTION(env, self, c);
  const char *data;
  size_t len;
  bool use_callback = false;

  if (!c->has_session)
    return util_throw(env, "ERR_TLS_INVALID_STATE", "not set up");
  napi_get_value_bool(env, argv[0], &use_callback);
  if (use_callback) {
    session_enable(&c->session, SESSION_HOOK_ALPN);
    return util_undefined(env);
  }
  if (!util_get_bytes(env, argv[0], &data, &len))
    return util_throw_type(env, "ERR_INVALID_ARG_TYPE", "expected a Buffer");
  if (!session_set_alpn(&c->session, (const unsigned char *)data, len))
    return errors_throw_queue(env, "SSL_set_alpn_protos");
  return util_undefined(env);
}

/* enablePskCallback(hint?): pre-shared keys come from JavaScript; a server
 * may give an identity hint. Returns false if the hint was refused. */
static napi_value connection_enable_psk(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  THIS_CONNECTION(env, self, c);
  int ok = 1;

  if (!c->has_session)
    return util_throw(env, "ERR_TLS_INVALID_STATE", "not set up");
  session_enable(&c->session, SESSION_HOOK_PSK);
  if (session_is_server(&c->session) && !util_is_nullish(env, argv[0])) {
    char *hint = util_get_string(env, argv[0]);
    if (hint == NULL)
      return NULL;
    ok = session_set_psk_hint(&c->session, hint);
    free(hint);
  }
  return util_bool(env, ok);
}

/* enableCertCb(): the server's handshake will wait for certCbDone(). */
static napi_value connection_enable_cert_cb(napi_env env,
                                            napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);

  (void)argv;
  if (!c->has_session || !session_is_server(&c->session))
    return util_throw(env, "ERR_TLS_INVALID_STATE", "not a server session");
  session_enable(&c->session, SESSION_HOOK_CONTEXT);
  return util_undefined(env);
}

/* certCbDone(context?): serve with this context (or the current one) and
 * go on with the handshake. */
static napi_value connection_cert_cb_done(napi_env env,
                                          napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  THIS_CONNECTION(env, self, c);
  SSL_CTX *ctx = NULL;

  int in_hook;

  if (!c->has_session || c->session.state != SESSION_WAIT_CONTEXT)
    return util_undefined(env);
  if (!util_is_nullish(env, argv[0]) &&
      (ctx = context_from_value(env, argv[0])) == NULL)
    return NULL;
  in_hook = session_has(&c->session, SESSION_IN_CONTEXT_HOOK);
  /* From Node 22 an SNI context without a certificate is passed over: the
   * handshake goes on with the server's own. */
  if (!session_choose_context(&c->session, ctx, c->inst->node_major >= 22)) {
    /* As in Node: the application hears why the context could not be
     * used, and the handshake goes on without it (and fails on its own,
     * with an alert to the client, when nothing else can serve). */
    napi_value error = errors_tls_from_queue(env, "CertCbDone");
    if (!in_hook)
      connection_resume(c);
    napi_throw(env, error);
    return NULL;
  }
  if (!in_hook)
    connection_resume(c);
  return util_undefined(env);
}

/* enableKeylogCallback(): key log lines go to onkeylog. */
static napi_value connection_enable_keylog(napi_env env,
                                           napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);

  (void)argv;
  enable_hook(c, SESSION_HOOK_KEYLOG);
  return util_undefined(env);
}

/* enableSessionCallbacks(): a server keeps its own session cache. */
static napi_value connection_enable_session_callbacks(napi_env env,
                                                      napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);

  (void)argv;
  enable_hook(c, SESSION_HOOK_CACHE);
  return util_undefined(env);
}

/* newSessionDone(): the application stored the session; what was held
 * goes out. */
static napi_value connection_new_session_done(napi_env env,
                                              napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);

  (void)argv;
  connection_release_output(c);
  return util_undefined(env);
}

/* loadSession(buffer | null): the answer to 'resumeSession'. */
static napi_value connection_load_session(napi_env env,
                                          napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  THIS_CONNECTION(env, self, c);
  const char *data = NULL;
  const unsigned char *p;
  size_t len = 0;

  if (!c->has_session || c->session.state != SESSION_WAIT_SESSION)
    return util_undefined(env);
  if (!util_is_nullish(env, argv[0]) &&
      !util_get_bytes(env, argv[0], &data, &len))
    return util_throw_type(env, "ERR_INVALID_ARG_TYPE", "expected a Buffer");
  p = (const unsigned char *)data;
  session_resume_with(
      &c->session, data != NULL ? d2i_SSL_SESSION(NULL, &p, (long)len) : NULL);
  ERR_clear_error();
  connection_resume(c);
  return util_undefined(env);
}

/* disableRenegotiation(): a renegotiation the peer starts is refused. */
static napi_value connection_disable_renegotiation(napi_env env,
                                                   napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);

  (void)argv;
  enable_hook(c, SESSION_RENEGOTIATION_OFF);
  return util_undefined(env);
}

/* countRenegotiation(now, limit, windowMs): the verdict on a renegotiation
 * the peer started (RENEGOTIATION_*), under the application's limits. */
static napi_value connection_count_renegotiation(napi_env env,
                                                 napi_callback_info info) {
  GET_ARGS(env, info, 3, argv, self);
  THIS_CONNECTION(env, self, c);
  double now = 0, limit = 0, window = 0;

  if (!c->has_session)
    return util_int(env, SESSION_RENEGOTIATION_ALLOWED);
  NAPI_CALL(env, napi_get_value_double(env, argv[0], &now));
  NAPI_CALL(env, napi_get_value_double(env, argv[1], &limit));
  NAPI_CALL(env, napi_get_value_double(env, argv[2], &window));
  return util_int(env,
                  session_count_renegotiation(&c->session, now, limit, window));
}

/* enableTrace(): OpenSSL's protocol trace of this connection to stderr. */
static napi_value connection_enable_trace(napi_env env,
                                          napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);

  (void)argv;
  c->trace = 1;
  if (c->has_session)
    session_trace(&c->session);
  return util_undefined(env);
}

/* requestOCSP(): a client asks the server for a stapled OCSP response. */
static napi_value connection_request_ocsp(napi_env env,
                                          napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);

  (void)argv;
  if (c->has_session)
    session_request_ocsp(&c->session);
  return util_undefined(env);
}

/* setOCSPResponse(buffer): what a server staples. */
static napi_value connection_set_ocsp_response(napi_env env,
                                               napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  THIS_CONNECTION(env, self, c);
  const char *data;
  size_t len;

  if (!util_get_bytes(env, argv[0], &data, &len))
    return util_throw_type(env, "ERR_INVALID_ARG_TYPE", "expected a Buffer");
  if (!c->has_session)
    return util_undefined(env);
  if (!session_set_ocsp_response(&c->session, (const unsigned char *)data, len))
    return util_throw(env, "ERR_MEMORY_ALLOCATION_FAILED", "out of memory");
  return util_undefined(env);
}

/* renegotiate(): a new TLS 1.2 handshake on the established session. */
static napi_value connection_renegotiate(napi_env env,
                                         napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);

  (void)argv;
  if (!c->has_session || !connection_alive(c))
    return util_throw(env, "ERR_TLS_INVALID_STATE",
                      "TLS socket connection must be securely established");
  if (!session_renegotiate(&c->session))
    return errors_throw_queue(env, "SSL_renegotiate");
  connection_flush(c, 0);
  return util_undefined(env);
}

/* setVerifyMode(requestCert, rejectUnauthorized), for a renegotiation. */
static napi_value connection_set_verify_mode(napi_env env,
                                             napi_callback_info info) {
  GET_ARGS(env, info, 2, argv, self);
  THIS_CONNECTION(env, self, c);
  int mode = 0;

  if (!c->has_session)
    return util_undefined(env);
  if (!session_is_server(&c->session) || util_get_bool(env, argv[0])) {
    mode = SESSION_VERIFY_PEER;
    if (util_get_bool(env, argv[1]))
      mode |= SESSION_VERIFY_REQUIRE_CERT;
  }
  session_set_verify(&c->session, mode);
  return util_undefined(env);
}

/* start(): begins the handshake once the socket is connected. */
static napi_value connection_start(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);
  int err;

  (void)argv;
  if (!c->has_session || !connection_alive(c))
    return util_int(env, UV_EINVAL);
  connection_hold(c);
  if (!session_is_server(&c->session)) {
    if (session_handshake(&c->session) == SESSION_ERROR) {
      connection_fail_tls(c);
      return util_int(env, 0);
    }
    connection_flush(c, 0);
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
  if (!connection_alive(c) || !c->has_session || connection_on_pool(c))
    return util_undefined(env); /* the step's end resumes reading */
  if (session_handshake_done(&c->session) && session_has_input(&c->session))
    connection_process(c);
  else
    connection_update_reading(c);
  return util_undefined(env);
}

static napi_value connection_read_stop(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);

  (void)argv;
  c->js_reading = 0;
  connection_update_reading(c);
  return util_undefined(env);
}

static napi_value write_result(connection_t *c, session_status_t st) {
  if (st == SESSION_OK) {
    int r = connection_flush(c, 1);
    session_release_buffers(&c->session);
    return util_int(c->env, r);
  }
  return errors_from_queue(c->env, "write after the TLS session closed");
}

/* write(buffer) -> 0 written, 1 pending (onwrite follows), <0 uv error, or
 * an Error from TLS. */
static napi_value connection_write(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  THIS_CONNECTION(env, self, c);
  const char *data;
  size_t len;

  if (!connection_alive(c) || !c->has_session ||
      !session_handshake_done(&c->session))
    return util_int(env, UV_EPIPE);
  if (!util_get_bytes(env, argv[0], &data, &len))
    return util_throw_type(env, "ERR_INVALID_ARG_TYPE", "expected a Buffer");
  return write_result(c, session_write(&c->session, data, len));
}

/* Small chunks of one writev() are gathered into records of up to this
 * size, as one write of their concatenation would make them. */
#define WRITEV_STAGE (16 * 1024)

/* writev(array of buffers): the chunks encrypted as one stream of bytes
 * (small ones share a record), then one send. */
static napi_value connection_writev(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  THIS_CONNECTION(env, self, c);
  session_status_t st = SESSION_OK;
  uint32_t count = 0;
  char stage[WRITEV_STAGE];
  size_t staged = 0;

  if (!connection_alive(c) || !c->has_session ||
      !session_handshake_done(&c->session))
    return util_int(env, UV_EPIPE);
  NAPI_CALL(env, napi_get_array_length(env, argv[0], &count));
  for (uint32_t i = 0; i < count && st == SESSION_OK; i++) {
    napi_value item;
    const char *data;
    size_t len;
    NAPI_CALL(env, napi_get_element(env, argv[0], i, &item));
    if (!util_get_bytes(env, item, &data, &len))
      return util_throw_type(env, "ERR_INVALID_ARG_TYPE", "expected Buffers");
    if (staged + len > WRITEV_STAGE && staged > 0) {
      st = session_write(&c->session, stage, staged);
      staged = 0;
    }
    if (st != SESSION_OK)
      break;
    if (len >= WRITEV_STAGE || (staged == 0 && i + 1 == count)) {
      st = session_write(&c->session, data, len);
    } else {
      memcpy(stage + staged, data, len);
      staged += len;
    }
  }
  if (st == SESSION_OK && staged > 0)
    st = session_write(&c->session, stage, staged);
  return write_result(c, st);
}

/* shutdown(): close_notify, then TCP half-close once it is sent. */
static napi_value connection_shutdown(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);

  (void)argv;
  if (!connection_alive(c))
    return util_int(env, UV_ENOTCONN);
  if (c->has_session && session_handshake_done(&c->session)) {
    session_shutdown(&c->session);
    connection_flush(c, 0);
  }
  /* The half-close follows what is held for 'newSession'. */
  if (c->holding_output) {
    c->shutdown_held = 1;
    return util_int(env, 0);
  }
  return util_int(env, transport_shutdown(&c->transport));
}

/* feed(buffer) / feed(null) at end: ciphertext from a JavaScript stream,
 * or what the previous owner of an opened socket had read already. */
static napi_value connection_feed(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  THIS_CONNECTION(env, self, c);
  const char *data;
  size_t len;

  if (util_is_nullish(env, argv[0])) {
    if (c->transport.kind != TRANSPORT_JS)
      return util_throw(env, "ERR_INVALID_STATE", "not a stream connection");
    transport_receive(&c->transport, UV_EOF, NULL);
    return util_undefined(env);
  }
  if (!util_get_bytes(env, argv[0], &data, &len))
    return util_throw_type(env, "ERR_INVALID_ARG_TYPE", "expected a Buffer");
  transport_receive(&c->transport, (ssize_t)len, data);
  return util_undefined(env);
}

/* open(fd): takes over a socket another object connected (a net.Socket
 * being upgraded); the caller then closes its own descriptor. */
static napi_value connection_open(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  THIS_CONNECTION(env, self, c);
  int fd = util_get_int(env, argv[0], -1);
  int err;

  if (fd < 0 || !c->handle_open)
    return util_int(env, UV_EBADF);
  err = transport_open(&c->transport, fd);
  if (err == 0)
    connection_hold(c);
  return util_int(env, err);
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
  if (c->handle_open) {
    /* The object lives until its close callback has been delivered. */
    connection_hold(c);
    transport_close(&c->transport);
  }
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

/* setKeyCert(context): the certificate and key this connection serves. */
static napi_value connection_set_key_cert(napi_env env,
                                          napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  THIS_CONNECTION(env, self, c);
  SSL_CTX *ctx = context_from_value(env, argv[0]);

  if (ctx == NULL)
    return NULL;
  if (!c->has_session)
    return util_undefined(env);
  if (!session_use_key_cert(&c->session, ctx))
    return errors_throw_queue(env, "SetKeyCert");
  return util_undefined(env);
}

/* asyncId(): the async id of the connection's async context, as
 * executionAsyncId() reports it inside a callback made with it (Node-API
 * has no getter for it). */
static napi_value connection_async_id(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_CONNECTION(env, self, c);
  napi_value id;

  (void)argv;
  if (c->async_ctx == NULL)
    return util_int(env, -1);
  id = connection_call(c, CB_ONASYNCID, 0, NULL);
  return id != NULL ? id : util_int(env, -1);
}

/* asyncReset(resource): a new async context for a connection that starts
 * serving someone else (a keep-alive socket given to the next request):
 * destroy hooks for the old one, init hooks for the new one. */
static napi_value connection_async_reset(napi_env env,
                                         napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  THIS_CONNECTION(env, self, c);
  napi_valuetype type;
  napi_value name;

  if (c->async_ctx == NULL)
    return util_undefined(env); /* closed */
  NAPI_CALL(env, napi_typeof(env, argv[0], &type));
  napi_async_destroy(env, c->async_ctx);
  c->async_ctx = NULL;
  napi_create_string_utf8(env, "TLSWRAP", NAPI_AUTO_LENGTH, &name);
  NAPI_CALL(env, napi_async_init(env, type == napi_object ? argv[0] : self,
                                 name, &c->async_ctx));
  return util_undefined(env);
}

napi_value connection_define(napi_env env) {
  static const napi_property_descriptor methods[] = {
      METHOD("connect", connection_connect),
      METHOD("bind", connection_bind),
      METHOD("setup", connection_setup),
      METHOD("setALPNProtocols", connection_set_alpn),
      METHOD("enableCertCb", connection_enable_cert_cb),
      METHOD("renegotiate", connection_renegotiate),
      METHOD("disableRenegotiation", connection_disable_renegotiation),
      METHOD("countRenegotiation", connection_count_renegotiation),
      METHOD("enableKeylogCallback", connection_enable_keylog),
      METHOD("enableSessionCallbacks", connection_enable_session_callbacks),
      METHOD("loadSession", connection_load_session),
      METHOD("newSessionDone", connection_new_session_done),
      METHOD("requestOCSP", connection_request_ocsp),
      METHOD("enableTrace", connection_enable_trace),
      METHOD("setOCSPResponse", connection_set_ocsp_response),
      METHOD("setVerifyMode", connection_set_verify_mode),
      METHOD("enablePskCallback", connection_enable_psk),
      METHOD("certCbDone", connection_cert_cb_done),
      METHOD("start", connection_start),
      METHOD("readStart", connection_read_start),
      METHOD("readStop", connection_read_stop),
      METHOD("write", connection_write),
      METHOD("writev", connection_writev),
      METHOD("shutdown", connection_shutdown),
      METHOD("close", connection_close),
      METHOD("feed", connection_feed),
      METHOD("open", connection_open),
      METHOD("wireDrained", connection_wire_drained),
      METHOD("ref", connection_ref),
      METHOD("unref", connection_unref),
      METHOD("getpeername", connection_getpeername),
      METHOD("getsockname", connection_getsockname),
      METHOD("getFd", connection_get_fd),
      METHOD("setNoDelay", connection_set_no_delay),
      METHOD("setKeepAlive", connection_set_keep_alive),
      METHOD("getProtocol", connection_get_protocol),
      METHOD("getCipher", connection_get_cipher),
      METHOD("getServername", connection_get_servername),
      METHOD("getALPNNegotiatedProtocol", connection_get_alpn),
      METHOD("getSession", connection_get_session),
      METHOD("setSession", connection_set_session),
      METHOD("getTLSTicket", connection_get_tls_ticket),
      METHOD("getFinished", connection_get_finished),
      METHOD("getPeerFinished", connection_get_peer_finished),
      METHOD("exportKeyingMaterial", connection_export_keying_material),
      METHOD("getEphemeralKeyInfo", connection_get_ephemeral_key_info),
      METHOD("getSharedSigalgs", connection_get_shared_sigalgs),
      METHOD("setMaxSendFragment", connection_set_max_send_fragment),
      METHOD("verifyError", connection_verify_error),
      METHOD("getPeerCertificateChain", connection_get_peer_chain),
      METHOD("getCertificate", connection_get_certificate),
      METHOD("isSessionReused", connection_is_session_reused),
      METHOD("asyncId", connection_async_id),
      METHOD("setKeyCert", connection_set_key_cert),
      METHOD("asyncReset", connection_async_reset),
  };
  return util_define_class(env, "Connection", connection_new, methods,
                           ARRAY_SIZE(methods));
}
