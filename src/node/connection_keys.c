/* What a connection tells about its handshake's keys: Finished messages,
 * exported keying material, the ephemeral key, the shared signature
 * algorithms. */

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include "node/connection.h"
#include "node/errors.h"
#include "node/util.h"

/* The connection's session, NULL when there is none to ask (before setup,
 * or while a pool thread runs the handshake). */
#define THIS_SESSION(env, info, n, argv, s)                                    \
  GET_ARGS(env, info, n, argv, self_);                                         \
  connection_t *c_ = connection_unwrap(env, self_);                            \
  session_t *s;                                                                \
  if (c_ == NULL)                                                              \
    return NULL;                                                               \
  s = c_->has_session && session_peek(&c_->session) != NULL ? &c_->session     \
                                                            : NULL;

typedef size_t (*finished_getter)(const SSL *, void *, size_t);

static napi_value finished(napi_env env, napi_callback_info info,
                           finished_getter get) {
  THIS_SESSION(env, info, 0, argv, s);
  char buf[EVP_MAX_MD_SIZE];
  size_t len;

  (void)argv;
  if (s == NULL || (len = get(session_peek(s), buf, sizeof(buf))) == 0)
    return util_undefined(env);
  return util_buffer_copy(env, buf, len);
}

napi_value connection_get_finished(napi_env env, napi_callback_info info) {
  return finished(env, info, SSL_get_finished);
}

napi_value connection_get_peer_finished(napi_env env, napi_callback_info info) {
  return finished(env, info, SSL_get_peer_finished);
}

/* exportKeyingMaterial(length, label, context?) */
napi_value connection_export_keying_material(napi_env env,
                                             napi_callback_info info) {
  THIS_SESSION(env, info, 3, argv, s);
  const char *context = NULL;
  size_t context_len = 0;
  char *label;
  void *out;
  napi_value result;
  uint32_t length = 0;
  int ok;

  if (s == NULL)
    return util_throw(env, "ERR_TLS_INVALID_STATE",
                      "TLS socket connection must be securely established");
  NAPI_CALL(env, napi_get_value_uint32(env, argv[0], &length));
  if ((label = util_get_string(env, argv[1])) == NULL)
    return NULL;
  if (!util_is_nullish(env, argv[2]) &&
      !util_get_bytes(env, argv[2], &context, &context_len)) {
    free(label);
    return util_throw_type(env, "ERR_INVALID_ARG_TYPE", "bad context");
  }
  if (napi_create_buffer(env, length, &out, &result) != napi_ok) {
    free(label);
    return NULL;
  }
  ok = session_export_keying_material(s, out, length, label,
                                      (const unsigned char *)context,
                                      context_len, context != NULL);
  free(label);
  if (!ok)
    return errors_throw_queue(env, "SSL_export_keying_material");
  return result;
}

/* getEphemeralKeyInfo(): a client's view of the key exchange. */
/* A key exchange group with no classical key (a hybrid such as
 * X25519MLKEM768): known by the negotiated group's name alone, as Node
 * reports it. Nothing when no group was negotiated (a resumption). */
static void set_group_only(napi_env env, session_t *s, napi_value out) {
  const char *group = session_group_name(s);
  napi_value undefined;

  if (group == NULL)
    return;
  napi_get_undefined(env, &undefined);
  util_set_string(env, out, "type", "TLSGroup");
  util_set_string(env, out, "name", group);
  napi_set_named_property(env, out, "size", undefined);
}

napi_value connection_get_ephemeral_key_info(napi_env env,
                                             napi_callback_info info) {
  THIS_SESSION(env, info, 0, argv, s);
  napi_value out;
  EVP_PKEY *key;
  const char *name = NULL;
  int id;

  (void)argv;
  if (s == NULL || session_is_server(s)) {
    napi_get_null(env, &out);
    return out;
  }
  NAPI_CALL(env, napi_create_object(env, &out));
  if ((key = session_peer_key(s)) == NULL) {
    ERR_clear_error();
    set_group_only(env, s, out);
    return out;
  }
  id = EVP_PKEY_get_id(key);
  if (id == EVP_PKEY_DH) {
    util_set_string(env, out, "type", "DH");
    util_set_int(env, out, "size", EVP_PKEY_get_bits(key));
  } else if (id == EVP_PKEY_EC || id == EVP_PKEY_X25519 ||
             id == EVP_PKEY_X448) {
    if (id == EVP_PKEY_EC) {
      char group[64];
      size_t len = 0;
      if (EVP_PKEY_get_group_name(key, group, sizeof(group), &len) == 1)
        name = OBJ_nid2sn(EC_curve_nist2nid(group) != NID_undef
                              ? EC_curve_nist2nid(group)
                              : OBJ_sn2nid(group));
    } else {
      name = OBJ_nid2sn(id);
    }
    util_set_string(env, out, "type", "ECDH");
    util_set_string(env, out, "name", name);
    util_set_int(env, out, "size", EVP_PKEY_get_bits(key));
  } else {
    set_group_only(env, s, out);
  }
  EVP_PKEY_free(key);
  return out;
}

static const char *sign_name(int nid) {
  switch (nid) {
  case EVP_PKEY_RSA:
    return "RSA";
  case EVP_PKEY_RSA_PSS:
    return "RSA-PSS";
  case EVP_PKEY_DSA:
    return "DSA";
  case EVP_PKEY_EC:
    return "ECDSA";
  case NID_ED25519:
    return "Ed25519";
  case NID_ED448:
    return "Ed448";
  default:
    return OBJ_nid2sn(nid);
  }
}

/* getSharedSigalgs(): "RSA-PSS+SHA256" and the like, in OpenSSL's order. */
napi_value connection_get_shared_sigalgs(napi_env env,
                                         napi_callback_info info) {
  THIS_SESSION(env, info, 0, argv, s);
  napi_value out;
  int count;

  (void)argv;
  NAPI_CALL(env, napi_create_array(env, &out));
  if (s == NULL)
    return out;
  count = session_shared_sigalg(s, -1, NULL, NULL);
  for (int i = 0; i < count; i++) {
    int sign_nid = 0, hash_nid = 0;
    const char *sign, *hash;
    char name[128];
    session_shared_sigalg(s, i, &sign_nid, &hash_nid);
    sign = sign_name(sign_nid);
    hash = OBJ_nid2sn(hash_nid);
    snprintf(name, sizeof(name), "%s+%s", sign != NULL ? sign : "UNDEF",
             hash != NULL ? hash : "UNDEF");
    napi_set_element(env, out, (uint32_t)i, util_string(env, name));
  }
  return out;
}

/* setMaxSendFragment(size): the largest plaintext record this side sends. */
napi_value connection_set_max_send_fragment(napi_env env,
                                            napi_callback_info info) {
  THIS_SESSION(env, info, 1, argv, s);

  if (s == NULL)
    return util_bool(env, 0);
  return util_bool(env, session_set_max_send_fragment(
                            s, (long)util_get_int(env, argv[0], 0)));
}
