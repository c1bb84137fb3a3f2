/* The engine benchmark's certificates and contexts: made as
 * benchmark/lib/certs.js makes the certificates and src/node/context.c the
 * contexts. */

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/session.h"
#include "core/ticket_keys.h"
#include "engine.h"

static credentials_t credentials[2];

static EVP_PKEY *new_key(key_kind_t kind) {
  EVP_PKEY *key = kind == KEY_RSA
                      ? EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048)
                      : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");

  if (key == NULL)
    fail("cannot generate a key", NULL);
  return key;
}

static void add_extension(X509 *cert, X509 *issuer, int nid,
                          const char *value) {
  X509V3_CTX ctx;
  X509_EXTENSION *ext;

  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
  ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
  if (ext == NULL || X509_add_ext(cert, ext, -1) != 1)
    fail("cannot add a certificate extension", value);
  X509_EXTENSION_free(ext);
}

static void add_ca_extensions(X509 *cert) {
  add_extension(cert, cert, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign");
}

static void add_leaf_extensions(X509 *cert, X509 *issuer) {
  add_extension(cert, issuer, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert, issuer, NID_key_usage,
                "critical,digitalSignature,keyEncipherment");
  add_extension(cert, issuer, NID_ext_key_usage, "serverAuth");
  add_extension(cert, issuer, NID_subject_alt_name,
                "DNS:localhost,IP:127.0.0.1");
}

/* A certificate for `key` named `cn`: signed by `issuer` (and its key), or
 * a self-signed CA when `issuer` is NULL. */
static X509 *new_cert(EVP_PKEY *key, const char *cn, X509 *issuer,
                      EVP_PKEY *issuer_key) {
  X509 *cert = X509_new();
  X509_NAME *name = X509_NAME_new();

  if (cert == NULL || name == NULL ||
      X509_set_version(cert, X509_VERSION_3) != 1 ||
      ASN1_INTEGER_set(X509_get_serialNumber(cert), issuer ? 2 : 1) != 1 ||
      X509_gmtime_adj(X509_getm_notBefore(cert), -3600) == NULL ||
      X509_gmtime_adj(X509_getm_notAfter(cert), 3 * 24 * 3600L) == NULL ||
      X509_set_pubkey(cert, key) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 (const unsigned char *)cn, -1, -1, 0) != 1 ||
      X509_set_subject_name(cert, name) != 1 ||
      X509_set_issuer_name(cert,
                           issuer ? X509_get_subject_name(issuer) : name) != 1)
    fail("cannot make a certificate", cn);
  X509_NAME_free(name);
  if (issuer == NULL)
    add_ca_extensions(cert);
  else
    add_leaf_extensions(cert, issuer);
  if (X509_sign(cert, issuer_key ? issuer_key : key, EVP_sha256()) == 0)
    fail("cannot sign a certificate", cn);
  return cert;
}

/* Made once per key type, as benchmark/lib/certs.js makes them. */
const credentials_t *credentials_of(key_kind_t kind) {
  credentials_t *id = &credentials[kind == KEY_RSA];

  if (id->cert != NULL)
    return id;
  id->ca_key = new_key(kind);
  id->ca = new_cert(id->ca_key, "uvtls engine CA", NULL, NULL);
  id->key = new_key(kind);
  id->cert = new_cert(id->key, "localhost", id->ca, id->ca_key);
  return id;
}

/* A context as the addon makes one (src/node/context.c), for one version. */
static SSL_CTX *new_ctx(int version, const options_t *o) {
  SSL_CTX *ctx = SSL_CTX_new(TLS_method());

  if (ctx == NULL || SSL_CTX_set_min_proto_version(ctx, version) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, version) != 1)
    fail("cannot make a context", NULL);
  /* Tickets or the owner's own cache, never OpenSSL's internal one. */
  SSL_CTX_set_session_cache_mode(
      ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_SERVER |
               SSL_SESS_CACHE_NO_INTERNAL | SSL_SESS_CACHE_NO_AUTO_CLEAR);
  session_install_callbacks(ctx, 0);
  if (!ticket_keys_install(ctx))
    fail("cannot install ticket keys", NULL);
  if (o->cipher_list != NULL &&
      SSL_CTX_set_cipher_list(ctx, o->cipher_list) != 1)
    fail("--cipher-list refused", o->cipher_list);
  if (o->ciphersuites != NULL &&
      SSL_CTX_set_ciphersuites(ctx, o->ciphersuites) != 1)
    fail("--ciphersuites refused", o->ciphersuites);
  return ctx;
}

SSL_CTX *server_ctx(const credentials_t *id, int version, const options_t *o) {
  SSL_CTX *ctx = new_ctx(version, o);

  if (SSL_CTX_use_certificate(ctx, id->cert) != 1 ||
      SSL_CTX_use_PrivateKey(ctx, id->key) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1 ||
      SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"engine", 6) !=
          1)
    fail("cannot configure the server context", NULL);
  return ctx;
}

SSL_CTX *client_ctx(const credentials_t *id, int version, const options_t *o) {
  SSL_CTX *ctx = new_ctx(version, o);

  if (X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), id->ca) != 1)
    fail("cannot add the CA to the client context", NULL);
  return ctx;
}
