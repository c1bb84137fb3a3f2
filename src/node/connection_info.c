/* What a connection tells about its socket and its TLS state. */

#include <stdlib.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "node/connection.h"
#include "node/errors.h"
#include "node/util.h"
#include "node/session_js.h"
#include "node/x509.h"

#define THIS_CONNECTION(env, info, c)                                          \
  size_t argc_ = 2;                                                            \
  napi_value argv[2];                                                          \
  napi_value self_;                                                            \
  connection_t *c;                                                             \
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc_, argv, &self_, NULL));     \
  if ((c = connection_unwrap(env, self_)) == NULL)                             \
    return NULL;

static napi_value null_value(napi_env env) {
  napi_value v;
  napi_get_null(env, &v);
  return v;
}

/* The SSL to query, or NULL before setup and while a pool thread runs the
 * handshake. */
static const SSL *ssl_of(connection_t *c) {
  return c->has_session ? session_peek(&c->session) : NULL;
}

int connection_fill_address(napi_env env, napi_value out,
                            const struct sockaddr_storage *addr) {
  char ip[INET6_ADDRSTRLEN];
  int port;

  if (addr->ss_family == AF_INET6) {
    const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)addr;
    uv_ip6_name(a6, ip, sizeof(ip));
    port = ntohs(a6->sin6_port);
    util_set_string(env, out, "family", "IPv6");
  } else if (addr->ss_family == AF_INET) {
    const struct sockaddr_in *a4 = (const struct sockaddr_in *)addr;
    uv_ip4_name(a4, ip, sizeof(ip));
    port = ntohs(a4->sin_port);
    util_set_string(env, out, "family", "IPv4");
  } else {
    return UV_EINVAL;
  }
  util_set_string(env, out, "address", ip);
  util_set_int(env, out, "port", port);
  return 0;
}

static napi_value fill_name(napi_env env, napi_callback_info info, int peer) {
  THIS_CONNECTION(env, info, c);
  struct sockaddr_storage addr;
  int len = sizeof(addr);
  int err;

  if (!c->handle_open || c->transport.kind != TRANSPORT_TCP)
    return util_int(env, UV_EINVAL);
  if (peer)
    err =
        uv_tcp_getpeername(&c->transport.h.tcp, (struct sockaddr *)&addr, &len);
  else
    err =
        uv_tcp_getsockname(&c->transport.h.tcp, (struct sockaddr *)&addr, &len);
  if (err == 0)
    err = connection_fill_address(env, argv[0], &addr);
  return util_int(env, err);
}

/* getpeername(out) / getsockname(out): 0 or a uv error, as net's handles */
napi_value connection_getpeername(napi_env env, napi_callback_info info) {
  return fill_name(env, info, 1);
}

napi_value connection_getsockname(napi_env env, napi_callback_info info) {
  return fill_name(env, info, 0);
}

/* The socket's descriptor, as StreamBase's fd: -1 for a JavaScript
 * stream or once closed. */
napi_value connection_get_fd(napi_env env, napi_callback_info info) {
  THIS_CONNECTION(env, info, c);
  uv_os_fd_t fd;

  (void)argv;
  if (!c->handle_open || c->transport.kind == TRANSPORT_JS ||
      uv_fileno(&c->transport.h.handle, &fd) != 0)
    return util_int(env, -1);
  return util_int(env, fd);
}

napi_value connection_set_no_delay(napi_env env, napi_callback_info info) {
  THIS_CONNECTION(env, info, c);

  if (!c->handle_open || c->transport.kind != TRANSPORT_TCP)
    return util_int(env, 0);
  return util_int(
      env, uv_tcp_nodelay(&c->transport.h.tcp, util_get_bool(env, argv[0])));
}

/* setKeepAlive(enable, delaySeconds) */
napi_value connection_set_keep_alive(napi_env env, napi_callback_info info) {
  THIS_CONNECTION(env, info, c);

  if (!c->handle_open || c->transport.kind != TRANSPORT_TCP)
    return util_int(env, 0);
  return util_int(env, uv_tcp_keepalive(&c->transport.h.tcp,
                                        util_get_bool(env, argv[0]),
                                        util_get_int(env, argv[1], 0)));
}

napi_value connection_get_protocol(napi_env env, napi_callback_info info) {
  THIS_CONNECTION(env, info, c);
  const SSL *ssl = ssl_of(c);

  return ssl != NULL ? util_string(env, SSL_get_version(ssl)) : null_value(env);
}

napi_value connection_get_cipher(napi_env env, napi_callback_info info) {
  THIS_CONNECTION(env, info, c);
  const SSL *ssl = ssl_of(c);
  const SSL_CIPHER *cipher = ssl != NULL ? SSL_get_current_cipher(ssl) : NULL;
  napi_value out;

  if (cipher == NULL)
    return util_undefined(env);
  NAPI_CALL(env, napi_create_object(env, &out));
  util_set_string(env, out, "name", SSL_CIPHER_get_name(cipher));
  util_set_string(env, out, "standardName", SSL_CIPHER_standard_name(cipher));
  util_set_string(env, out, "version", SSL_CIPHER_get_version(cipher));
  return out;
}

/* getALPNNegotiatedProtocol(): the protocol, or false. */
napi_value connection_get_alpn(napi_env env, napi_callback_info info) {
  THIS_CONNECTION(env, info, c);
  const SSL *ssl = ssl_of(c);
  const unsigned char *proto = NULL;
  unsigned int len = 0;
  napi_value result;

  if (ssl != NULL)
    SSL_get0_alpn_selected(ssl, &proto, &len);
  if (proto == NULL || len == 0)
    return util_bool(env, 0);
  napi_create_string_latin1(env, (const char *)proto, len, &result);
  return result;
}

napi_value connection_get_servername(napi_env env, napi_callback_info info) {
  THIS_CONNECTION(env, info, c);
  const SSL *ssl = ssl_of(c);
  const char *name =
      ssl != NULL ? SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name) : NULL;

  return name != NULL ? util_string(env, name) : util_bool(env, 0);
}

/* verifyError(): null, or an Error whose code names the X509_V_ERR_*. */
napi_value connection_verify_error(napi_env env, napi_callback_info info) {
  THIS_CONNECTION(env, info, c);
  const SSL *ssl = ssl_of(c);
  napi_value message, error;
  const char *code;
  long result;

  if (ssl == NULL)
    return null_value(env);
  /* A peer without a certificate counts as unverified, except under PSK
   * and TLS 1.3 resumption (on a server, only before Node 24). */
  result = session_verify_result(&c->session, session_is_server(&c->session) &&
                                                  c->inst->node_major >= 24);
  if (result == X509_V_OK)
    return null_value(env);
  code = errors_verify_code(result);
  napi_create_string_utf8(env, X509_verify_cert_error_string(result),
                          NAPI_AUTO_LENGTH, &message);
  NAPI_CALL(env, napi_create_error(env, NULL, message, &error));
  util_set_string(env, error, "code", code != NULL ? code : "UNSPECIFIED");
  return error;
}

/* getPeerCertificateChain(detailed): { chain: [DER...], selfSigned } */
napi_value connection_get_peer_chain(napi_env env, napi_callback_info info) {
  THIS_CONNECTION(env, info, c);
  const SSL *ssl = ssl_of(c);

  if (ssl == NULL)
    return null_value(env);
  return x509_peer_chain(env, ssl, session_is_server(&c->session),
                         util_get_bool(env, argv[0]));
}

napi_value connection_get_certificate(napi_env env, napi_callback_info info) {
  THIS_CONNECTION(env, info, c);
  const SSL *ssl = ssl_of(c);
  X509 *cert = ssl != NULL ? SSL_get_certificate(ssl) : NULL;

  return cert != NULL ? x509_to_der(env, cert) : null_value(env);
}

napi_value connection_is_session_reused(napi_env env, napi_callback_info info) {
  THIS_CONNECTION(env, info, c);
  const SSL *ssl = ssl_of(c);

  return util_bool(env, ssl != NULL && SSL_session_reused(ssl));
}

/* getSession(): the current session, serialized, or undefined. */
napi_value connection_get_session(napi_env env, napi_callback_info info) {
  THIS_CONNECTION(env, info, c);
  SSL_SESSION *sess = c->has_session ? session_current(&c->session) : NULL;

  if (sess == NULL)
    return util_undefined(env);
  return session_js_bytes(env, sess);
}

/* setSession(buffer): offer this session to the server. */
napi_value connection_set_session(napi_env env, napi_callback_info info) {
  THIS_CONNECTION(env, info, c);
  const SSL *ssl = ssl_of(c);
  const unsigned char *p;
  const char *data;
  SSL_SESSION *sess;
  size_t len;
  int ok;

  if (ssl == NULL)
    return util_throw(env, "ERR_TLS_INVALID_STATE", "not set up");
  if (!util_get_bytes(env, argv[0], &data, &len))
    return util_throw_type(env, "ERR_INVALID_ARG_TYPE", "expected a Buffer");
  p = (const unsigned char *)data;
  sess = session_cache_get(&c->inst->sessions, p, len);
  if (sess == NULL)
    sess = d2i_SSL_SESSION(NULL, &p, (long)len);
  if (sess == NULL)
    return util_throw(env, "ERR_INVALID_ARG_VALUE", "Bad session");
  ok = session_set_session(&c->session, sess);
  SSL_SESSION_free(sess);
  if (!ok)
    return errors_throw_queue(env, "SSL_set_session");
  return util_undefined(env);
}

/* getTLSTicket(): the ticket of the current session, or undefined. */
napi_value connection_get_tls_ticket(napi_env env, napi_callback_info info) {
  THIS_CONNECTION(env, info, c);
  const SSL *ssl = ssl_of(c);
  SSL_SESSION *sess = ssl != NULL ? SSL_get_session(ssl) : NULL;
  const unsigned char *ticket = NULL;
  size_t len = 0;

  if (sess != NULL)
    SSL_SESSION_get0_ticket(sess, &ticket, &len);
  if (ticket == NULL || len == 0)
    return util_undefined(env);
  return util_buffer_copy(env, ticket, len);
}
