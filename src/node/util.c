#include "node/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void util_throw_status(napi_env env, napi_status status, const char *what) {
  bool pending = false;
  char msg[256];

  napi_is_exception_pending(env, &pending);
  if (pending)
    return;
  snprintf(msg, sizeof(msg), "uvtls: Node-API call failed (%d): %s",
           (int)status, what);
  napi_throw_error(env, "ERR_UVTLS_INTERNAL", msg);
}

napi_value util_throw(napi_env env, const char *code, const char *msg) {
  napi_throw_error(env, code, msg);
  return NULL;
}

napi_value util_throw_type(napi_env env, const char *code, const char *msg) {
  napi_throw_type_error(env, code, msg);
  return NULL;
}

napi_value util_undefined(napi_env env) {
  napi_value v;
  napi_get_undefined(env, &v);
  return v;
}

int util_get_bytes(napi_env env, napi_value v, const char **data, size_t *len) {
  bool is = false;
  void *ptr = NULL;

  napi_is_buffer(env, v, &is);
  if (is) {
    if (napi_get_buffer_info(env, v, &ptr, len) != napi_ok)
      return 0;
    *data = ptr;
    return 1;
  }
  napi_is_typedarray(env, v, &is);
  if (is) {
    napi_typedarray_type type;
    size_t length, offset, elem = 1;
    napi_value ab;
    if (napi_get_typedarray_info(env, v, &type, &length, &ptr, &ab, &offset) !=
        napi_ok)
      return 0;
    if (type == napi_int16_array || type == napi_uint16_array)
      elem = 2;
    else if (type == napi_int32_array || type == napi_uint32_array ||
             type == napi_float32_array)
      elem = 4;
    else if (type == napi_float64_array || type == napi_bigint64_array ||
             type == napi_biguint64_array)
      elem = 8;
    *data = ptr;
    *len = length * elem;
    return 1;
  }
  napi_is_arraybuffer(env, v, &is);
  if (is) {
    if (napi_get_arraybuffer_info(env, v, &ptr, len) != napi_ok)
      return 0;
    *data = ptr;
    return 1;
  }
  return 0;
}

char *util_get_string(napi_env env, napi_value v) {
  size_t len = 0;
  char *s;

  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
    util_throw_type(env, "ERR_INVALID_ARG_TYPE", "expected a string");
    return NULL;
  }
  s = malloc(len + 1);
  if (s == NULL) {
    util_throw(env, "ERR_MEMORY_ALLOCATION_FAILED", "out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  return s;
}

int util_is_nullish(napi_env env, napi_value v) {
  napi_valuetype t;
  if (v == NULL || napi_typeof(env, v, &t) != napi_ok)
    return 1;
  return t == napi_undefined || t == napi_null;
}

int util_get_int(napi_env env, napi_value v, int fallback) {
  int32_t n;
  if (v == NULL || napi_get_value_int32(env, v, &n) != napi_ok)
    return fallback;
  return n;
}

int util_get_bool(napi_env env, napi_value v) {
  bool b = false;
  napi_value coerced;
  if (v == NULL || napi_coerce_to_bool(env, v, &coerced) != napi_ok)
    return 0;
  napi_get_value_bool(env, coerced, &b);
  return b;
}

napi_value util_string(napi_env env, const char *s) {
  napi_value v;
  if (s == NULL) {
    napi_get_null(env, &v);
    return v;
  }
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

napi_value util_int(napi_env env, int64_t n) {
  napi_value v;
  napi_create_int64(env, n, &v);
  return v;
}

napi_value util_bool(napi_env env, int b) {
  napi_value v;
  napi_get_boolean(env, b != 0, &v);
  return v;
}

napi_value util_buffer_copy(napi_env env, const void *data, size_t len) {
  napi_value v;
  if (napi_create_buffer_copy(env, len, data, NULL, &v) != napi_ok)
    return NULL;
  return v;
}

void util_set(napi_env env, napi_value obj, const char *key, napi_value val) {
  napi_set_named_property(env, obj, key, val);
}

void util_set_string(napi_env env, napi_value obj, const char *key,
                     const char *s) {
  util_set(env, obj, key, util_string(env, s));
}

void util_set_int(napi_env env, napi_value obj, const char *key, int64_t n) {
  util_set(env, obj, key, util_int(env, n));
}

napi_value util_define_class(napi_env env, const char *name, napi_callback ctor,
                             const napi_property_descriptor *props, size_t n) {
  napi_value cls;
  if (napi_define_class(env, name, NAPI_AUTO_LENGTH, ctor, NULL, n, props,
                        &cls) != napi_ok)
    return NULL;
  return cls;
}
