#include "node/session_js.h"

#include "node/util.h"

napi_value session_js_bytes(napi_env env, SSL_SESSION *sess) {
  unsigned char *der = NULL;
  napi_value result;
  int len = i2d_SSL_SESSION(sess, &der);

  if (len <= 0) {
    napi_get_undefined(env, &result);
    return result;
  }
  result = util_buffer_copy(env, der, (size_t)len);
  OPENSSL_free(der);
  return result;
}
