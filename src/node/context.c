#include "node/context.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "node/instance.h"
#include "node/errors.h"
#include "core/openssl_compat.h"
#include "core/session.h"
#include "core/ticket_keys.h"
#include "node/x509.h"
#include "node/util.h"

static void context_finalize(napi_env env, void *data, void *hint) {
  context_t *c = data;

  (void)env;
  (void)hint;
  SSL_CTX_free(c->ctx);
  free(c);
}

context_t *context_unwrap(napi_env env, napi_value self) {
  context_t *c = NULL;

  if (napi_unwrap(env, self, (void **)&c) != napi_ok || c == NULL ||
      c->ctx == NULL) {
    util_throw_type(env, "ERR_INVALID_THIS",
                    "Value of \"this\" must be of "
                    "type SecureContext");
    return NULL;
  }
  return c;
}

SSL_CTX *context_from_value(napi_env env, napi_value v) {
  context_t *c = context_unwrap(env, v);
  return c != NULL ? c->ctx : NULL;
}

/* Node 22 to 25 acknowledge every client's SNI (and keep the name in the
 * session); Node 20 and 26 only when an SNI context serves it. */
static int acknowledges_sni(int node_major) {
  return node_major >= 22 && node_major < 26;
}

/* new SecureContext(minVersion, maxVersion) */
static napi_value context_new(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 2, argv, self);
  context_t *c = calloc(1, sizeof(*c));

  if (c == NULL)
    return util_throw(env, "ERR_MEMORY_ALLOCATION_FAILED", "out of memory");
  c->ctx = SSL_CTX_new(TLS_method());
  if (c->ctx == NULL) {
    free(c);
    return errors_throw_queue(env, "SSL_CTX_new");
  }
  SSL_CTX_set_min_proto_version(c->ctx, util_get_int(env, argv[0], 0));
  SSL_CTX_set_max_proto_version(c->ctx, util_get_int(env, argv[1], 0));
  /* Sessions are resumed through tickets or the application's own cache,
   * never through OpenSSL's internal server cache. */
  SSL_CTX_set_session_cache_mode(
      c->ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_SERVER |
                  SSL_SESS_CACHE_NO_INTERNAL | SSL_SESS_CACHE_NO_AUTO_CLEAR);
  session_install_callbacks(c->ctx,
                            acknowledges_sni(instance_get(env)->node_major));
  if (!ticket_keys_install(c->ctx)) {
    SSL_CTX_free(c->ctx);
    free(c);
    return errors_throw_queue(env, "ticket keys");
  }
  if (napi_wrap(env, self, c, context_finalize, NULL, NULL) != napi_ok) {
    SSL_CTX_free(c->ctx);
    free(c);
    return util_throw(env, "ERR_UVTLS_INTERNAL", "napi_wrap failed");
  }
  return self;
}

/* A BIO over a Buffer's bytes, or over a copy of a string (the native
 * SecureContext methods take both, as Node's do). */
BIO *context_bio_from_value(napi_env env, napi_value v) {
  napi_valuetype type;
  const char *data;
  size_t len;
  char *text;
  BIO *bio;

  if (util_get_bytes(env, v, &data, &len))
    return BIO_new_mem_buf(data, (int)len);
  if (napi_typeof(env, v, &type) != napi_ok || type != napi_string) {
    util_throw_type(env, "ERR_INVALID_ARG_TYPE",
                    "expected a string or a Buffer");
    return NULL;
  }
  if ((text = util_get_string(env, v)) == NULL)
    return NULL;
  bio = BIO_new(BIO_s_mem());
  if (bio != NULL && BIO_write(bio, text, (int)strlen(text)) < 0) {
    BIO_free(bio);
    bio = NULL;
  }
  free(text);
  return bio;
}

int context_password_cb(char *buf, int size, int rwflag, void *u) {
  const char *pass = u;
  size_t len;

  (void)rwflag;
  if (pass == NULL)
    return 0; /* no passphrase: decryption fails as "bad decrypt" */
  len = strlen(pass);
  if (len > (size_t)size)
    len = (size_t)size;
  memcpy(buf, pass, len);
  return (int)len;
}

/* setKey(pem, passphrase?) */
static napi_value context_set_key(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 2, argv, self);
  context_t *c = context_unwrap(env, self);
  char *pass = NULL;
  EVP_PKEY *key;
  BIO *bio;
  int ok;

  if (c == NULL)
    return NULL;
  if (!util_is_nullish(env, argv[1]) &&
      (pass = util_get_string(env, argv[1])) == NULL)
    return NULL;
  bio = context_bio_from_value(env, argv[0]);
  if (bio == NULL) {
    free(pass);
    return NULL;
  }
  ERR_clear_error();
  key = PEM_read_bio_PrivateKey(bio, NULL, context_password_cb, pass);
  BIO_free(bio);
  free(pass);
  if (key == NULL)
    return errors_throw_queue(env, "PEM_read_bio_PrivateKey");
  ok = SSL_CTX_use_PrivateKey(c->ctx, key);
  EVP_PKEY_free(key);
  if (!ok)
    return errors_throw_queue(env, "SSL_CTX_use_PrivateKey");
  return util_undefined(env);
}

/* setCert(pem): the leaf, then any intermediates that follow it. */
static napi_value context_set_cert(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  context_t *c = context_unwrap(env, self);
  X509 *leaf, *extra;
  BIO *bio;

  if (c == NULL)
    return NULL;
  if ((bio = context_bio_from_value(env, argv[0])) == NULL)
    return NULL;
  ERR_clear_error();
  leaf = PEM_read_bio_X509_AUX(bio, NULL, NULL, NULL);
  if (leaf == NULL) {
    BIO_free(bio);
    return errors_throw_queue(env, "PEM_read_bio_X509_AUX");
  }
  if (SSL_CTX_use_certificate(c->ctx, leaf) != 1) {
    X509_free(leaf);
    BIO_free(bio);
    return errors_throw_queue(env, "SSL_CTX_use_certificate");
  }
  X509_free(leaf);
  SSL_CTX_clear_chain_certs(c->ctx);
  while ((extra = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
    int ok = SSL_CTX_add0_chain_cert(c->ctx, extra);
    if (!ok) {
      X509_free(extra);
      BIO_free(bio);
      return errors_throw_queue(env, "SSL_CTX_add0_chain_cert");
    }
  }
  BIO_free(bio);
  /* The loop ends on PEM's "no start line": that is the end of input. */
  ERR_clear_error();
  return util_undefined(env);
}

X509_STORE *context_own_store(context_t *c) {
  X509_STORE *shared, *store;
  STACK_OF(X509_OBJECT) * objs;

  if (!c->shares_root_store)
    return SSL_CTX_get_cert_store(c->ctx);
  shared = SSL_CTX_get_cert_store(c->ctx);
  store = X509_STORE_new();
  if (store == NULL)
    return NULL;
  objs = X509_STORE_get0_objects(shared);
  for (int i = 0; i < sk_X509_OBJECT_num(objs); i++) {
    X509 *x = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, i));
    if (x != NULL)
      X509_STORE_add_cert(store, x);
  }
  SSL_CTX_set_cert_store(c->ctx, store);
  c->shares_root_store = 0;
  return store;
}

/* addCACert(pem): every certificate in it becomes trusted. */
static napi_value context_add_ca_cert(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  context_t *c = context_unwrap(env, self);
  X509_STORE *store;
  X509 *x509;
  BIO *bio;

  if (c == NULL)
    return NULL;
  if ((bio = context_bio_from_value(env, argv[0])) == NULL)
    return NULL;
  store = context_own_store(c);
  while (store != NULL &&
         (x509 = PEM_read_bio_X509_AUX(bio, NULL, NULL, NULL)) != NULL) {
    X509_STORE_add_cert(store, x509);
    SSL_CTX_add_client_CA(c->ctx, x509);
    X509_free(x509);
  }
  BIO_free(bio);
  ERR_clear_error();
  return util_undefined(env);
}

/* addRootCerts([store]): trust the process-wide default roots, or the
 * store setRootCerts(..., true) made. */
static napi_value context_add_root_certs(napi_env env,
                                         napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  context_t *c = context_unwrap(env, self);
  X509_STORE *roots = NULL;
  napi_valuetype type;

  if (c == NULL)
    return NULL;
  NAPI_CALL(env, napi_typeof(env, argv[0], &type));
  if (type == napi_external)
    NAPI_CALL(env, napi_get_value_external(env, argv[0], (void **)&roots));
  else
    roots = root_store_get();
  if (roots == NULL)
    return util_throw(env, "ERR_UVTLS_INTERNAL", "root store not built");
  SSL_CTX_set1_cert_store(c->ctx, roots);
  c->shares_root_store = 1;
  return util_undefined(env);
}

/* setAllowPartialTrustChain(): an intermediate among the trusted
 * certificates is a trust anchor of its own (X509_V_FLAG_PARTIAL_CHAIN),
 * on a store of this context's own. */
static napi_value
context_set_allow_partial_trust_chain(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  context_t *c = context_unwrap(env, self);
  X509_STORE *store;

  (void)argv;
  if (c == NULL)
    return NULL;
  store = context_own_store(c);
  if (store == NULL)
    return errors_throw_queue(env, "X509_STORE_new");
  X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
  return util_undefined(env);
}

/* setCertificateCompression(packed): RFC 8879 certificate compression
 * (TLS 1.3).
 * Bits 0-7 hold the count (0: none, in either direction), then one
 * algorithm per byte in order of preference (1 zlib, 2 brotli, 3 zstd). */
static napi_value context_set_certificate_compression(napi_env env,
                                                      napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  context_t *c = context_unwrap(env, self);
  uint32_t packed = 0;

  if (c == NULL)
    return NULL;
  NAPI_CALL(env, napi_get_value_uint32(env, argv[0], &packed));
  /* Asked at run time: one binary serves OpenSSL 3.0 and 3.5. */
  if (compat_has_cert_compression()) {
    const uint64_t both = SSL_OP_NO_TX_CERTIFICATE_COMPRESSION |
                          SSL_OP_NO_RX_CERTIFICATE_COMPRESSION;
    int algs[3];
    size_t count = packed & 0xff;

    if (count == 0) {
      SSL_CTX_set_options(c->ctx, both);
      return util_undefined(env);
    }
    if (count > 3)
      return util_throw_type(env, "ERR_INVALID_ARG_VALUE",
                             "at most 3 algorithms");
    for (size_t i = 0; i < count; i++)
      algs[i] = (int)((packed >> (8 * (i + 1))) & 0xff);
    SSL_CTX_clear_options(c->ctx, both);
    if (compat_ctx_set1_cert_comp_preference(c->ctx, algs, count) != 1)
      return errors_throw_queue(env, "SSL_CTX_set1_cert_comp_preference");
    /* OpenSSL sends only certificates compressed beforehand: those
     * loaded so far (a context without any has nothing to compress). */
    compat_ctx_compress_certs(c->ctx, 0);
    ERR_clear_error();
  } else if ((packed & 0xff) != 0) {
    return util_throw(env, "ERR_UVTLS_NOT_IMPLEMENTED",
                      "certificate compression needs OpenSSL 3.2 or later");
  }
  return util_undefined(env);
}

typedef int (*ctx_string_setter)(SSL_CTX *, const char *);

static napi_value set_string(napi_env env, napi_callback_info info,
                             ctx_string_setter setter, const char *what) {
  GET_ARGS(env, info, 1, argv, self);
  context_t *c = context_unwrap(env, self);
  char *value;
  int ok;

  if (c == NULL || (value = util_get_string(env, argv[0])) == NULL)
    return NULL;
  ERR_clear_error();
  ok = setter(c->ctx, value);
  free(value);
  if (ok != 1)
    return errors_throw_queue(env, what);
  return util_undefined(env);
}

static int set_cipher_list(SSL_CTX *ctx, const char *list) {
  /* An empty list deliberately leaves only TLS 1.3 suites. */
  if (SSL_CTX_set_cipher_list(ctx, list) == 1 || list[0] == '\0') {
    ERR_clear_error();
    return 1;
  }
  return 0;
}

static int set_ciphersuites(SSL_CTX *ctx, const char *list) {
  return SSL_CTX_set_ciphersuites(ctx, list);
}

static int set_groups(SSL_CTX *ctx, const char *list) {
  return (int)SSL_CTX_set1_groups_list(ctx, list);
}

static int set_sigalgs(SSL_CTX *ctx, const char *list) {
  return (int)SSL_CTX_set1_sigalgs_list(ctx, list);
}

static napi_value context_set_ciphers(napi_env env, napi_callback_info info) {
  return set_string(env, info, set_cipher_list, "SSL_CTX_set_cipher_list");
}

static napi_value context_set_cipher_suites(napi_env env,
                                            napi_callback_info info) {
  return set_string(env, info, set_ciphersuites, "SSL_CTX_set_ciphersuites");
}

/* setECDHCurve(list): "auto" keeps OpenSSL's default groups. */
static napi_value context_set_ecdh_curve(napi_env env,
                                         napi_callback_info info) {
  return set_string(env, info, set_groups, "Failed to set ECDH curve");
}

static napi_value context_set_sigalgs(napi_env env, napi_callback_info info) {
  return set_string(env, info, set_sigalgs, NULL);
}

static napi_value context_set_options(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  context_t *c = context_unwrap(env, self);
  int64_t options = 0;

  if (c == NULL)
    return NULL;
  NAPI_CALL(env, napi_get_value_int64(env, argv[0], &options));
  SSL_CTX_set_options(c->ctx, (uint64_t)options);
  return util_undefined(env);
}

static napi_value context_set_proto(napi_env env, napi_callback_info info,
                                    int max) {
  GET_ARGS(env, info, 1, argv, self);
  context_t *c = context_unwrap(env, self);
  int version = util_get_int(env, argv[0], 0);

  if (c == NULL)
    return NULL;
  if (max)
    SSL_CTX_set_max_proto_version(c->ctx, version);
  else
    SSL_CTX_set_min_proto_version(c->ctx, version);
  return util_undefined(env);
}

static napi_value context_set_min_proto(napi_env env, napi_callback_info info) {
  return context_set_proto(env, info, 0);
}

static napi_value context_set_max_proto(napi_env env, napi_callback_info info) {
  return context_set_proto(env, info, 1);
}

static napi_value context_get_min_proto(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  context_t *c = context_unwrap(env, self);

  (void)argv;
  return c != NULL ? util_int(env, SSL_CTX_get_min_proto_version(c->ctx))
                   : NULL;
}

static napi_value context_get_max_proto(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  context_t *c = context_unwrap(env, self);

  (void)argv;
  return c != NULL ? util_int(env, SSL_CTX_get_max_proto_version(c->ctx))
                   : NULL;
}

static napi_value context_set_session_id_context(napi_env env,
                                                 napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  context_t *c = context_unwrap(env, self);
  const char *data;
  size_t len;

  if (c == NULL)
    return NULL;
  if (!util_get_bytes(env, argv[0], &data, &len))
    return util_throw_type(env, "ERR_INVALID_ARG_TYPE", "expected a Buffer");
  if (len > SSL_MAX_SID_CTX_LENGTH)
    len = SSL_MAX_SID_CTX_LENGTH;
  if (SSL_CTX_set_session_id_context(c->ctx, (const unsigned char *)data,
                                     (unsigned int)len) != 1)
    return errors_throw_queue(env, "SSL_CTX_set_session_id_context");
  return util_undefined(env);
}

/* getIssuer(): the issuer of the context's leaf, DER, from its chain or its
 * trust store, or null. */
static napi_value context_get_issuer(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  context_t *c = context_unwrap(env, self);
  STACK_OF(X509) *chain = NULL;
  X509 *cert, *issuer = NULL;
  X509_STORE_CTX *sctx;
  napi_value result;

  (void)argv;
  if (c == NULL)
    return NULL;
  napi_get_null(env, &result);
  if ((cert = SSL_CTX_get0_certificate(c->ctx)) == NULL)
    return result;
  SSL_CTX_get0_chain_certs(c->ctx, &chain);
  for (int i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
    if (X509_check_issued(sk_X509_value(chain, i), cert) == X509_V_OK)
      return x509_to_der(env, sk_X509_value(chain, i));
  }
  sctx = X509_STORE_CTX_new();
  if (sctx != NULL &&
      X509_STORE_CTX_init(sctx, SSL_CTX_get_cert_store(c->ctx), cert, NULL) ==
          1 &&
      X509_STORE_CTX_get1_issuer(&issuer, sctx, cert) == 1) {
    result = x509_to_der(env, issuer);
    X509_free(issuer);
  }
  X509_STORE_CTX_free(sctx);
  ERR_clear_error();
  return result;
}

static napi_value context_set_session_timeout(napi_env env,
                                              napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  context_t *c = context_unwrap(env, self);

  if (c == NULL)
    return NULL;
  SSL_CTX_set_timeout(c->ctx, (long)util_get_int(env, argv[0], 300));
  return util_undefined(env);
}

/* setTicketKeys(48 bytes): name, HMAC secret and AES key of the tickets. */
static napi_value context_set_ticket_keys(napi_env env,
                                          napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  context_t *c = context_unwrap(env, self);
  const char *data;
  size_t len;

  if (c == NULL)
    return NULL;
  if (!util_get_bytes(env, argv[0], &data, &len) || len != TICKET_KEYS_LENGTH)
    return util_throw_type(env, "ERR_INVALID_ARG_VALUE",
                           "ticket keys must be exactly 48 bytes");
  ticket_keys_set(c->ctx, (const unsigned char *)data);
  return util_undefined(env);
}

static napi_value context_get_ticket_keys(napi_env env,
                                          napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  context_t *c = context_unwrap(env, self);
  unsigned char keys[TICKET_KEYS_LENGTH];
  napi_value result;

  (void)argv;
  if (c == NULL)
    return NULL;
  if (!ticket_keys_get(c->ctx, keys))
    return util_undefined(env);
  result = util_buffer_copy(env, keys, TICKET_KEYS_LENGTH);
  OPENSSL_cleanse(keys, sizeof(keys));
  return result;
}

/* getCertificate(): the context's own leaf, DER, or null. */
static napi_value context_get_certificate(napi_env env,
                                          napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  context_t *c = context_unwrap(env, self);
  unsigned char *der = NULL;
  napi_value result;
  X509 *cert;
  int len;

  (void)argv;
  if (c == NULL)
    return NULL;
  cert = SSL_CTX_get0_certificate(c->ctx);
  if (cert == NULL || (len = i2d_X509(cert, &der)) <= 0) {
    napi_get_null(env, &result);
    return result;
  }
  result = util_buffer_copy(env, der, (size_t)len);
  OPENSSL_free(der);
  return result;
}

napi_value context_define(napi_env env) {
  static const napi_property_descriptor methods[] = {
      METHOD("setKey", context_set_key),
      METHOD("setCert", context_set_cert),
      METHOD("addCACert", context_add_ca_cert),
      METHOD("addRootCerts", context_add_root_certs),
      METHOD("setAllowPartialTrustChain",
             context_set_allow_partial_trust_chain),
      METHOD("setCertificateCompression", context_set_certificate_compression),
      METHOD("setCiphers", context_set_ciphers),
      METHOD("setCipherSuites", context_set_cipher_suites),
      METHOD("setECDHCurve", context_set_ecdh_curve),
      METHOD("setSigalgs", context_set_sigalgs),
      METHOD("setOptions", context_set_options),
      METHOD("setMinProto", context_set_min_proto),
      METHOD("setMaxProto", context_set_max_proto),
      METHOD("getMinProto", context_get_min_proto),
      METHOD("getMaxProto", context_get_max_proto),
      METHOD("setSessionIdContext", context_set_session_id_context),
      METHOD("getCertificate", context_get_certificate),
      METHOD("getIssuer", context_get_issuer),
      METHOD("setSessionTimeout", context_set_session_timeout),
      METHOD("setTicketKeys", context_set_ticket_keys),
      METHOD("getTicketKeys", context_get_ticket_keys),
      METHOD("loadPKCS12", context_load_pkcs12),
      METHOD("addCRL", context_add_crl),
      METHOD("setDHParam", context_set_dh_param),
  };
  return util_define_class(env, "SecureContext", context_new, methods,
                           ARRAY_SIZE(methods));
}
