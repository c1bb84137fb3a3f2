#ifndef UVTLS_UTIL_H
#define UVTLS_UTIL_H

#include <stddef.h>
#include <node_api.h>

#include "core/macros.h"

/* Evaluates a Node-API call; on failure throws (if nothing is pending yet)
 * and returns NULL from the enclosing napi_callback. */
#define NAPI_CALL(env, call)                                                   \
  do {                                                                         \
    napi_status status_ = (call);                                              \
    if (status_ != napi_ok) {                                                  \
      util_throw_status((env), status_, #call);                                \
      return NULL;                                                             \
    }                                                                          \
  } while (0)

/* Fetches up to `n` arguments and `this`; missing arguments are undefined. */
#define GET_ARGS(env, info, n, argv, self)                                     \
  size_t argc_ = (n);                                                          \
  napi_value argv[(n) > 0 ? (n) : 1];                                          \
  napi_value self;                                                             \
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc_, argv, &self, NULL))

void util_throw_status(napi_env env, napi_status status, const char *what);
napi_value util_throw(napi_env env, const char *code, const char *msg);
napi_value util_throw_type(napi_env env, const char *code, const char *msg);
napi_value util_undefined(napi_env env);

/* Borrowed view of a Buffer/TypedArray/ArrayBuffer; false if not one. */
int util_get_bytes(napi_env env, napi_value v, const char **data, size_t *len);
/* Malloc'd NUL-terminated copy of a JS string; NULL (and throws) if not. */
char *util_get_string(napi_env env, napi_value v);
int util_is_nullish(napi_env env, napi_value v);
int util_get_int(napi_env env, napi_value v, int fallback);
int util_get_bool(napi_env env, napi_value v);

napi_value util_string(napi_env env, const char *s);
napi_value util_int(napi_env env, int64_t n);
napi_value util_bool(napi_env env, int b);
napi_value util_buffer_copy(napi_env env, const void *data, size_t len);
void util_set(napi_env env, napi_value obj, const char *key, napi_value val);
void util_set_string(napi_env env, napi_value obj, const char *key,
                     const char *s);
void util_set_int(napi_env env, napi_value obj, const char *key, int64_t n);
/* Defines a native class with the given methods on its prototype. */
napi_value util_define_class(napi_env env, const char *name, napi_callback ctor,
                             const napi_property_descriptor *props, size_t n);

#define METHOD(name, fn)                                                       \
  { name, NULL, fn, NULL, NULL, NULL, napi_default_method, NULL }

#endif
