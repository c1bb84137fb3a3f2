#ifndef UVTLS_OPENSSL_COMPAT_H
#define UVTLS_OPENSSL_COMPAT_H

/* OpenSSL functions newer than 3.0, found at run time.
 *
 * One binary of uvtls serves every Node that has the OpenSSL major it was
 * built for: Node 20 runs OpenSSL 3.0, Node 22 and later 3.5. A binary
 * built against 3.5's headers would otherwise call functions that 3.0 does
 * not have, and one built against 3.0's would leave out features that 3.5
 * has. The functions below are referenced weakly: the running process
 * provides them or not, and callers ask before using them. */

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

/* Values fixed by OpenSSL 3.2 (SSL_OP_BIT(32) and SSL_OP_BIT(33)); the
 * option bits are unused, and ignored, before. */
#ifndef SSL_OP_NO_TX_CERTIFICATE_COMPRESSION
#define SSL_OP_NO_TX_CERTIFICATE_COMPRESSION ((uint64_t)1 << 32)
#endif
#ifndef SSL_OP_NO_RX_CERTIFICATE_COMPRESSION
#define SSL_OP_NO_RX_CERTIFICATE_COMPRESSION ((uint64_t)1 << 33)
#endif

/* RFC 8879 certificate compression (OpenSSL 3.2 and later): whether the
 * running OpenSSL has it, and its functions (only to be called when it
 * has). */
int compat_has_cert_compression(void);
int compat_ctx_set1_cert_comp_preference(SSL_CTX *ctx, int *algs, size_t len);
int compat_ctx_compress_certs(SSL_CTX *ctx, int alg);

#endif
