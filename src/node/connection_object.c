/* The JavaScript Connection object's life: creation, the reference that
 * keeps it while its socket is in use, finalization. */

#include <stdlib.h>

#include "node/connection.h"
#include "node/util.h"

static void force_close(live_handle_t *h) {
  connection_t *c = container_of(h, connection_t, live);
  transport_close(&c->transport);
}

/* Once the socket is in use, its JavaScript object lives until it closes. */
void connection_hold(connection_t *c) {
  if (c->held || c->self_ref == NULL)
    return;
  c->held = 1;
  napi_reference_ref(c->env, c->self_ref, NULL);
}

static void connection_finalize(napi_env env, void *data, void *hint) {
  connection_t *c = data;

  (void)hint;
  c->js_gone = 1;
  napi_delete_reference(env, c->self_ref);
  c->self_ref = NULL;
  if (c->handle_open)
    transport_close(&c->transport); /* freed by on_close */
  else if (!connection_on_pool(c))
    connection_free(c); /* else once the pool step is done */
}

connection_t *connection_unwrap(napi_env env, napi_value v) {
  connection_t *c = NULL;

  if (napi_unwrap(env, v, (void **)&c) != napi_ok || c == NULL) {
    util_throw_type(env, "ERR_INVALID_THIS", "not a uvtls connection");
    return NULL;
  }
  return c;
}

/* new Connection(kind): TRANSPORT_TCP, TRANSPORT_PIPE or TRANSPORT_JS */
napi_value connection_new(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  instance_t *inst = instance_get(env);
  napi_value name;
  connection_t *c;
  int err;

  if (inst == NULL)
    return NULL;
  c = calloc(1, sizeof(*c));
  if (c == NULL)
    return util_throw(env, "ERR_MEMORY_ALLOCATION_FAILED", "out of memory");
  c->inst = inst;
  c->env = env;
  err = transport_init(&c->transport, inst->loop,
                       (transport_kind_t)util_get_int(env, argv[0], 0),
                       &connection_transport_callbacks);
  if (err != 0) {
    free(c);
    return util_throw(env, "ERR_UVTLS_INTERNAL", uv_strerror(err));
  }
  inst->connections++;
  c->handle_open = 1;
  c->live.force_close = force_close;
  instance_track(inst, &c->live);
  if (napi_wrap(env, self, c, connection_finalize, NULL, &c->self_ref) !=
      napi_ok) {
    c->js_gone = 1;
    transport_close(&c->transport);
    return util_throw(env, "ERR_UVTLS_INTERNAL", "napi_wrap failed");
  }
  napi_create_string_utf8(env, "TLSWRAP", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, self, name, &c->async_ctx);
  return self;
}
