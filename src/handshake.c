#include "handshake.h"

#include <stdlib.h>
#include <string.h>

#include "connection.h"
#include "util.h"

/* The server's choice among the client's protocols: the application's
 * ALPNCallback, or the first of the server's own list the client offers.
 * No overlap is a fatal no_application_protocol alert, as in Node. */
static int select_alpn(SSL *ssl, const unsigned char **out,
                       unsigned char *outlen, const unsigned char *in,
                       unsigned int inlen, void *arg) {
  connection_t *c = SSL_get_app_data(ssl);
  unsigned char *chosen = NULL;

  (void)arg;
  if (c == NULL)
    return SSL_TLSEXT_ERR_NOACK;
  if (c->alpn_callback) {
    napi_value offered = util_buffer_copy(c->env, in, inlen);
    napi_value result = connection_call(c, CB_ONALPN, 1, &offered);
    int64_t offset = -1;
    if (result == NULL ||
        napi_get_value_int64(c->env, result, &offset) != napi_ok ||
        offset < 0 || (uint64_t)offset >= inlen ||
        in[offset] + (uint64_t)offset + 1 > inlen)
      return SSL_TLSEXT_ERR_ALERT_FATAL;
    *outlen = in[offset];
    *out = in + offset + 1;
    return SSL_TLSEXT_ERR_OK;
  }
  if (c->alpn == NULL)
    return SSL_TLSEXT_ERR_NOACK;
  if (SSL_select_next_proto(&chosen, outlen, c->alpn, (unsigned int)c->alpn_len,
                            in, inlen) != OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

void handshake_install(SSL_CTX *ctx) {
  SSL_CTX_set_alpn_select_cb(ctx, select_alpn, NULL);
}
