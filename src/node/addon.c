/* Module entry: checks the OpenSSL it runs on, creates the per-environment
 * state and exports the native classes. */

#include "node/instance.h"

#include <stdio.h>
#include <stdlib.h>

#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <openssl/ssl.h>

#include "node/connection.h"
#include "node/context.h"
#include "node/listener.h"
#include "node/util.h"

#define CALLBACK_NAME(name, js) js,
static const char *const callback_names[CB_COUNT] = {
    UVTLS_CALLBACKS(CALLBACK_NAME)};
#undef CALLBACK_NAME

/* setCallbacks({ onconnect, ondata, ... }) */
static napi_value set_callbacks(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  instance_t *inst = instance_get(env);

  (void)self;
  if (inst == NULL)
    return NULL;
  for (int i = 0; i < CB_COUNT; i++) {
    napi_value fn;
    napi_valuetype type;
    NAPI_CALL(env,
              napi_get_named_property(env, argv[0], callback_names[i], &fn));
    NAPI_CALL(env, napi_typeof(env, fn, &type));
    if (type != napi_function)
      return util_throw_type(env, "ERR_INVALID_ARG_TYPE", callback_names[i]);
    if (inst->callbacks[i] != NULL)
      napi_delete_reference(env, inst->callbacks[i]);
    NAPI_CALL(env, napi_create_reference(env, fn, 1, &inst->callbacks[i]));
  }
  return util_undefined(env);
}

/* getCiphers(): the TLS 1.2 and 1.3 cipher names OpenSSL enables. */
static napi_value get_ciphers(napi_env env, napi_callback_info info) {
  SSL_CTX *ctx = SSL_CTX_new(TLS_method());
  SSL *ssl = ctx != NULL ? SSL_new(ctx) : NULL;
  STACK_OF(SSL_CIPHER) * ciphers;
  napi_value result;

  (void)info;
  if (ssl == NULL) {
    SSL_CTX_free(ctx);
    return util_throw(env, "ERR_UVTLS_INTERNAL", "SSL_new failed");
  }
  napi_create_array(env, &result);
  ciphers = SSL_get_ciphers(ssl);
  for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); i++) {
    const SSL_CIPHER *cipher = sk_SSL_CIPHER_value(ciphers, i);
    napi_set_element(env, result, (uint32_t)i,
                     util_string(env, SSL_CIPHER_get_name(cipher)));
  }
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  return result;
}

/* stats(): native objects alive in this environment (for leak tests), and
 * how many handshake steps ran on the thread pool. */
static napi_value get_stats(napi_env env, napi_callback_info info) {
  instance_t *inst = instance_get(env);
  napi_value out;

  (void)info;
  if (inst == NULL)
    return NULL;
  napi_create_object(env, &out);
  util_set_int(env, out, "connections", inst->connections);
  util_set_int(env, out, "openHandles", inst->live_count);
  util_set_int(env, out, "offloadedHandshakes", inst->offloaded);
  return out;
}

static int check_openssl(napi_env env) {
  unsigned long running = OpenSSL_version_num() >> 28;
  char msg[256];

  if (running == OPENSSL_VERSION_MAJOR)
    return 1;
  snprintf(msg, sizeof(msg),
           "uvtls was built against OpenSSL %d.x but this process runs "
           "OpenSSL %lu.x (%s); rebuild uvtls with `npm rebuild uvtls`",
           OPENSSL_VERSION_MAJOR, running, OpenSSL_version(OPENSSL_VERSION));
  util_throw(env, "ERR_UVTLS_OPENSSL_MISMATCH", msg);
  return 0;
}

static napi_status set_plain_buffer(napi_env env, instance_t *inst,
                                    napi_value exports) {
  napi_value buffer;
  void *data;
  napi_status st = napi_create_buffer(env, PLAIN_CHUNK, &data, &buffer);

  if (st == napi_ok)
    st = napi_create_reference(env, buffer, 1, &inst->plain_ref);
  if (st == napi_ok)
    st = napi_set_named_property(env, exports, "plainBuffer", buffer);
  if (st == napi_ok)
    inst->plain_buf = data;
  return st;
}

static void set_class(napi_env env, napi_value exports, const char *name,
                      napi_value cls) {
  if (cls != NULL)
    napi_set_named_property(env, exports, name, cls);
}

/* constants: the libuv error numbers JavaScript compares results with, and
 * the transport kinds of new Connection(kind), so that neither is written
 * as a number on the JavaScript side (errno values differ by platform). */
static napi_status set_constants(napi_env env, napi_value exports) {
  static const struct {
    const char *name;
    int value;
  } table[] = {
      {"UV_EBADF", UV_EBADF},
      {"UV_ECANCELED", UV_ECANCELED},
      {"UV_ENOTCONN", UV_ENOTCONN},
      {"UV_EPIPE", UV_EPIPE},
      {"UV_EOF", UV_EOF},
      {"TRANSPORT_TCP", TRANSPORT_TCP},
      {"TRANSPORT_PIPE", TRANSPORT_PIPE},
      {"TRANSPORT_JS", TRANSPORT_JS},
      {"RENEGOTIATION_TOO_MANY", SESSION_RENEGOTIATION_TOO_MANY},
      {"RENEGOTIATION_REFUSED", SESSION_RENEGOTIATION_REFUSED},
  };
  napi_value constants;
  napi_status status = napi_create_object(env, &constants);

  for (size_t i = 0; status == napi_ok && i < ARRAY_SIZE(table); i++)
    util_set_int(env, constants, table[i].name, table[i].value);
  if (status == napi_ok)
    status = napi_object_freeze(env, constants);
  if (status == napi_ok)
    status = napi_set_named_property(env, exports, "constants", constants);
  return status;
}

static napi_value init(napi_env env, napi_value exports) {
  static const napi_property_descriptor functions[] = {
      METHOD("setCallbacks", set_callbacks),
      METHOD("setRootCerts", root_store_init),
      METHOD("getCiphers", get_ciphers),
      METHOD("stats", get_stats),
  };
  instance_t *inst;
  napi_value connection;

  if (!check_openssl(env))
    return NULL;
  if ((inst = instance_new(env)) == NULL)
    return util_throw(env, "ERR_UVTLS_INTERNAL", "cannot initialize uvtls");
  NAPI_CALL(env, napi_set_instance_data(env, inst, instance_free, NULL));
  NAPI_CALL(env, napi_add_async_cleanup_hook(env, instance_on_teardown, inst,
                                             &inst->cleanup_hook));
  /* The hook handle is only meaningful once teardown starts. */
  inst->cleanup_hook = NULL;

  connection = connection_define(env);
  if (connection == NULL)
    return NULL;
  NAPI_CALL(env,
            napi_create_reference(env, connection, 1, &inst->connection_ctor));
  set_class(env, exports, "Connection", connection);
  set_class(env, exports, "SecureContext", context_define(env));
  set_class(env, exports, "Listener", listener_define(env));
  NAPI_CALL(env, napi_define_properties(env, exports, ARRAY_SIZE(functions),
                                        functions));
  util_set_string(env, exports, "opensslVersion",
                  OpenSSL_version(OPENSSL_VERSION));
  NAPI_CALL(env, set_constants(env, exports));
  NAPI_CALL(env, set_plain_buffer(env, inst, exports));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
