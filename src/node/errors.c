#include "node/errors.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "node/util.h"

struct lib_name {
  int lib;
  const char *name;
};

/* Libraries whose errors Node codes as ERR_OSSL_<LIB>_<REASON>; SSL errors
 * are ERR_SSL_<REASON> and any other library's ERR_OSSL_<REASON>. */
static const struct lib_name lib_names[] = {
    {ERR_LIB_SYS, "SYS"},       {ERR_LIB_BN, "BN"},
    {ERR_LIB_RSA, "RSA"},       {ERR_LIB_DH, "DH"},
    {ERR_LIB_EVP, "EVP"},       {ERR_LIB_BUF, "BUF"},
    {ERR_LIB_OBJ, "OBJ"},       {ERR_LIB_PEM, "PEM"},
    {ERR_LIB_DSA, "DSA"},       {ERR_LIB_X509, "X509"},
    {ERR_LIB_ASN1, "ASN1"},     {ERR_LIB_CONF, "CONF"},
    {ERR_LIB_CRYPTO, "CRYPTO"}, {ERR_LIB_EC, "EC"},
    {ERR_LIB_SSL, "SSL"},       {ERR_LIB_BIO, "BIO"},
    {ERR_LIB_PKCS7, "PKCS7"},   {ERR_LIB_X509V3, "X509V3"},
    {ERR_LIB_PKCS12, "PKCS12"}, {ERR_LIB_RAND, "RAND"},
    {ERR_LIB_DSO, "DSO"},       {ERR_LIB_ENGINE, "ENGINE"},
    {ERR_LIB_OCSP, "OCSP"},     {ERR_LIB_UI, "UI"},
    {ERR_LIB_COMP, "COMP"},     {ERR_LIB_ECDSA, "ECDSA"},
    {ERR_LIB_ECDH, "ECDH"},     {ERR_LIB_OSSL_STORE, "OSSL_STORE"},
    {ERR_LIB_FIPS, "FIPS"},     {ERR_LIB_CMS, "CMS"},
    {ERR_LIB_TS, "TS"},         {ERR_LIB_HMAC, "HMAC"},
    {ERR_LIB_CT, "CT"},         {ERR_LIB_ASYNC, "ASYNC"},
    {ERR_LIB_KDF, "KDF"},       {ERR_LIB_SM2, "SM2"},
    {ERR_LIB_USER, "USER"},
};

static const char *lib_code_name(int lib) {
  for (size_t i = 0; i < ARRAY_SIZE(lib_names); i++) {
    if (lib_names[i].lib == lib)
      return lib_names[i].name;
  }
  return NULL;
}

/* "wrong version number" -> "ERR_SSL_WRONG_VERSION_NUMBER" */
static void format_code(char *out, size_t cap, unsigned long err,
                        const char *reason) {
  const char *lib = lib_code_name(ERR_GET_LIB(err));
  size_t n;

  if (lib != NULL && strcmp(lib, "SSL") == 0)
    n = (size_t)snprintf(out, cap, "ERR_SSL_");
  else if (lib != NULL)
    n = (size_t)snprintf(out, cap, "ERR_OSSL_%s_", lib);
  else
    n = (size_t)snprintf(out, cap, "ERR_OSSL_");
  for (; *reason != '\0' && n + 1 < cap; reason++, n++)
    out[n] = *reason == ' ' ? '_' : (char)toupper((unsigned char)*reason);
  out[n < cap ? n : cap - 1] = '\0';
}

typedef struct error_text {
  char buf[2048];
  size_t len;
} error_text_t;

/* Keeps the first line ERR_print_errors_cb() prints and stops it there:
 * OpenSSL 3.5 queues a "record layer failure" after the error that made
 * the record layer fail, and the message is that first error alone. */
static int keep_first_line(const char *str, size_t len, void *u) {
  error_text_t *text = u;
  size_t room = sizeof(text->buf) - 1;

  if (len > room)
    len = room;
  memcpy(text->buf, str, len);
  text->len = len;
  text->buf[len] = '\0';
  return 0;
}

/* Sets library, reason and code from one queued error. */
static void decorate(napi_env env, napi_value error, unsigned long err) {
  const char *lib = ERR_lib_error_string(err);
  const char *reason = ERR_reason_error_string(err);
  char code[256];

  if (lib != NULL)
    util_set_string(env, error, "library", lib);
  if (reason != NULL) {
    util_set_string(env, error, "reason", reason);
    format_code(code, sizeof(code), err, reason);
    util_set_string(env, error, "code", code);
  }
}

static napi_value plain_error(napi_env env, const char *text) {
  napi_value error, message;

  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, NULL, message, &error);
  return error;
}

/* Context errors: the oldest queued error is the error, the later ones
 * (newest first) its opensslErrorStack, as Node reports them. */
napi_value errors_from_queue(napi_env env, const char *fallback) {
  unsigned long queue[16];
  size_t n = 0;
  unsigned long err;
  napi_value error, stack;
  char text[256];

  while ((err = ERR_get_error()) != 0) {
    if (n < ARRAY_SIZE(queue))
      queue[n++] = err;
  }
  if (n == 0 && fallback != NULL)
    return plain_error(env, fallback);
  ERR_error_string_n(n > 0 ? queue[0] : 0, text, sizeof(text));
  error = plain_error(env, text);
  if (n > 1 && napi_create_array(env, &stack) == napi_ok) {
    for (size_t i = 1; i < n; i++) {
      ERR_error_string_n(queue[n - i], text, sizeof(text));
      napi_set_element(env, stack, (uint32_t)(i - 1), util_string(env, text));
    }
    util_set(env, error, "opensslErrorStack", stack);
  }
  if (n > 0)
    decorate(env, error, queue[0]);
  return error;
}

/* TLS errors: the oldest queued error, printed as OpenSSL prints it. */
napi_value errors_tls_from_queue(napi_env env, const char *fallback) {
  unsigned long err = ERR_peek_error();
  error_text_t text;
  napi_value error;

  if (err == 0)
    return plain_error(env, fallback);
  text.len = 0;
  text.buf[0] = '\0';
  ERR_print_errors_cb(keep_first_line, &text);
  error = plain_error(env, text.buf);
  decorate(env, error, err);
  ERR_clear_error();
  return error;
}

int errors_queue_unnamed(void) {
  unsigned long err = ERR_peek_error();

  return err != 0 && ERR_reason_error_string(err) == NULL;
}

napi_value errors_throw_queue(napi_env env, const char *fallback) {
  napi_throw(env, errors_from_queue(env, fallback));
  return NULL;
}

#define VERIFY_CODES(V)                                                        \
  V(UNABLE_TO_GET_ISSUER_CERT)                                                 \
  V(UNABLE_TO_GET_CRL)                                                         \
  V(UNABLE_TO_DECRYPT_CERT_SIGNATURE)                                          \
  V(UNABLE_TO_DECRYPT_CRL_SIGNATURE)                                           \
  V(UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY)                                        \
  V(CERT_SIGNATURE_FAILURE)                                                    \
  V(CRL_SIGNATURE_FAILURE)                                                     \
  V(CERT_NOT_YET_VALID)                                                        \
  V(CERT_HAS_EXPIRED)                                                          \
  V(CRL_NOT_YET_VALID)                                                         \
  V(CRL_HAS_EXPIRED)                                                           \
  V(ERROR_IN_CERT_NOT_BEFORE_FIELD)                                            \
  V(ERROR_IN_CERT_NOT_AFTER_FIELD)                                             \
  V(ERROR_IN_CRL_LAST_UPDATE_FIELD)                                            \
  V(ERROR_IN_CRL_NEXT_UPDATE_FIELD)                                            \
  V(OUT_OF_MEM)                                                                \
  V(DEPTH_ZERO_SELF_SIGNED_CERT)                                               \
  V(SELF_SIGNED_CERT_IN_CHAIN)                                                 \
  V(UNABLE_TO_GET_ISSUER_CERT_LOCALLY)                                         \
  V(UNABLE_TO_VERIFY_LEAF_SIGNATURE)                                           \
  V(CERT_CHAIN_TOO_LONG)                                                       \
  V(CERT_REVOKED)                                                              \
  V(INVALID_CA)                                                                \
  V(PATH_LENGTH_EXCEEDED)                                                      \
  V(INVALID_PURPOSE)                                                           \
  V(CERT_UNTRUSTED)                                                            \
  V(CERT_REJECTED)                                                             \
  V(HOSTNAME_MISMATCH)

struct verify_name {
  long value;
  const char *name;
};

#define VERIFY_ENTRY(name) {X509_V_ERR_##name, #name},
static const struct verify_name verify_names[] = {VERIFY_CODES(VERIFY_ENTRY)};
#undef VERIFY_ENTRY

const char *errors_verify_code(long verify_result) {
  for (size_t i = 0; i < ARRAY_SIZE(verify_names); i++) {
    if (verify_names[i].value == verify_result)
      return verify_names[i].name;
  }
  return NULL;
}
