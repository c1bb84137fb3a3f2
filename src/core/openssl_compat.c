#include "core/openssl_compat.h"

#include <openssl/crypto.h>

/* The ELF and Mach-O loaders leave a weak reference that nothing defines
 * at zero instead of refusing the module; elsewhere the functions are
 * referenced as usual and the headers of the build decide. */
#if defined(__ELF__) || defined(__APPLE__)
#define COMPAT_WEAK 1
#endif

#if OPENSSL_VERSION_NUMBER < 0x30200000L
/* Prototypes as in OpenSSL 3.2's ssl.h, for headers older than that. */
int SSL_CTX_set1_cert_comp_preference(SSL_CTX *ctx, int *algs, size_t len);
int SSL_CTX_compress_certs(SSL_CTX *ctx, int alg);
#ifndef COMPAT_WEAK
#define COMPAT_NO_CERT_COMPRESSION 1
#endif
#endif

#ifdef COMPAT_WEAK
#pragma weak SSL_CTX_set1_cert_comp_preference
#pragma weak SSL_CTX_compress_certs
#endif

int compat_has_cert_compression(void) {
#ifdef COMPAT_NO_CERT_COMPRESSION
  return 0;
#else
  return OpenSSL_version_num() >= 0x30200000L &&
         SSL_CTX_set1_cert_comp_preference != NULL &&
         SSL_CTX_compress_certs != NULL;
#endif
}

int compat_ctx_set1_cert_comp_preference(SSL_CTX *ctx, int *algs, size_t len) {
#ifdef COMPAT_NO_CERT_COMPRESSION
  (void)ctx, (void)algs, (void)len;
  return 0;
#else
  return SSL_CTX_set1_cert_comp_preference(ctx, algs, len);
#endif
}

int compat_ctx_compress_certs(SSL_CTX *ctx, int alg) {
#ifdef COMPAT_NO_CERT_COMPRESSION
  (void)ctx, (void)alg;
  return 0;
#else
  return SSL_CTX_compress_certs(ctx, alg);
#endif
}
