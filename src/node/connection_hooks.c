/* The session's hooks for a connection: what the TLS state machine reports
 * goes to JavaScript, where the application decides. */

#include "node/connection_hooks.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "node/util.h"

static connection_t *owner_of(session_t *s) {
  return container_of(s, connection_t, session);
}

/* SNICallback / addContext: JavaScript picks the context (certCbDone). */
static void choose_context(session_t *s, const char *servername,
                           int ocsp_requested) {
  connection_t *c = owner_of(s);
  napi_value args[2];

  args[0] = util_string(c->env, servername);
  args[1] = util_bool(c->env, ocsp_requested);
  connection_call(c, CB_ONCERTCB, 2, args);
}

/* 'resumeSession': JavaScript looks the session up (loadSession). */
static void find_session(session_t *s, const unsigned char *id, size_t len) {
  connection_t *c = owner_of(s);
  napi_value arg = util_buffer_copy(c->env, id, len);

  connection_call(c, CB_ONRESUMESESSION, 1, &arg);
}

/* A client's session, serialized for JavaScript and kept parsed under
 * those bytes, for when the program offers it again. */
static napi_value client_session_to_js(connection_t *c, SSL_SESSION *sess) {
  unsigned char *der = NULL;
  napi_value result;
  int len = i2d_SSL_SESSION(sess, &der);

  if (len <= 0) {
    napi_get_undefined(c->env, &result);
    return result;
  }
  session_cache_put(&c->inst->sessions, der, (size_t)len, sess);
  result = util_buffer_copy(c->env, der, (size_t)len);
  OPENSSL_free(der);
  return result;
}

/* A client's session goes to 'session'; a server's to 'newSession'. */
static void new_session(session_t *s, SSL_SESSION *sess) {
  connection_t *c = owner_of(s);
  napi_value arg;

  if (session_is_server(s)) {
    connection_new_server_session(c, sess);
    return;
  }
  arg = client_session_to_js(c, sess);
  connection_call(c, CB_ONSESSION, 1, &arg);
}

/* ALPNCallback: the offset of the protocol JavaScript chose. */
static long select_alpn(session_t *s, const unsigned char *offered,
                        size_t len) {
  connection_t *c = owner_of(s);
  napi_value arg = util_buffer_copy(c->env, offered, len);
  napi_value result = connection_call(c, CB_ONALPN, 1, &arg);
  int64_t offset = -1;

  if (result == NULL ||
      napi_get_value_int64(c->env, result, &offset) != napi_ok)
    return -1;
  return (long)offset;
}

/* Copies a JavaScript buffer result into OpenSSL's PSK buffer. */
static size_t copy_psk(connection_t *c, napi_value value, unsigned char *psk,
                       size_t max) {
  const char *data;
  size_t len;

  if (value == NULL || !util_get_bytes(c->env, value, &data, &len) || len > max)
    return 0;
  memcpy(psk, data, len);
  return len;
}

/* A client's PSK: pskCallback(hint) gives the identity and key, checked
 * against OpenSSL's limits there. */
static size_t psk_client(session_t *s, const char *hint, char *identity,
                         size_t max_identity, unsigned char *psk,
                         size_t max_psk) {
  connection_t *c = owner_of(s);
  napi_value args[3], result, key, name;
  size_t len = 0;

  args[0] = util_string(c->env, hint);
  args[1] = util_int(c->env, (int64_t)max_psk);
  args[2] = util_int(c->env, (int64_t)max_identity - 1);
  result = connection_call(c, CB_ONPSKCLIENT, 3, args);
  if (result == NULL || util_is_nullish(c->env, result) ||
      napi_get_named_property(c->env, result, "identity", &name) != napi_ok ||
      napi_get_named_property(c->env, result, "psk", &key) != napi_ok ||
      napi_get_value_string_utf8(c->env, name, identity, max_identity, &len) !=
          napi_ok)
    return 0;
  return copy_psk(c, key, psk, max_psk);
}

/* A server's PSK for the client's identity, from pskCallback. */
static size_t psk_server(session_t *s, const char *identity, unsigned char *psk,
                         size_t max_psk) {
  connection_t *c = owner_of(s);
  napi_value args[2];

  args[0] = util_string(c->env, identity);
  args[1] = util_int(c->env, (int64_t)max_psk);
  return copy_psk(c, connection_call(c, CB_ONPSKSERVER, 2, args), psk, max_psk);
}

/* NSS key log lines, for connections whose application listens. */
static void keylog(session_t *s, const char *line) {
  connection_t *c = owner_of(s);
  size_t len = strlen(line);
  napi_value buf;
  void *data;

  if (napi_create_buffer(c->env, len + 1, &data, &buf) != napi_ok)
    return;
  memcpy(data, line, len);
  ((char *)data)[len] = '\n';
  connection_call(c, CB_ONKEYLOG, 1, &buf);
}

/* A client hands the stapled response (or null) to JavaScript. */
static void ocsp_response(session_t *s, const unsigned char *resp, size_t len) {
  connection_t *c = owner_of(s);
  napi_value value;

  if (resp == NULL)
    napi_get_null(c->env, &value);
  else
    value = util_buffer_copy(c->env, resp, len);
  connection_call(c, CB_ONOCSPRESPONSE, 1, &value);
}

/* A server's renegotiation started, for the limits kept in JavaScript. */
static void handshake_start(session_t *s) {
  connection_t *c = owner_of(s);
  napi_value now = util_int(c->env, (int64_t)uv_now(c->inst->loop));

  connection_call(c, CB_ONHANDSHAKESTART, 1, &now);
}

const session_hooks_t connection_session_hooks = {
    choose_context, find_session, new_session,   select_alpn,     psk_client,
    psk_server,     keylog,       ocsp_response, handshake_start,
};
