/* The per-environment state: callbacks, live handles, teardown. */

#include "node/instance.h"

#include <stdlib.h>

#include "node/util.h"

instance_t *instance_get(napi_env env) {
  instance_t *inst = NULL;

  if (napi_get_instance_data(env, (void **)&inst) != napi_ok || inst == NULL)
    util_throw(env, "ERR_UVTLS_INTERNAL", "uvtls is not initialized");
  return inst;
}

void instance_track(instance_t *inst, live_handle_t *h) {
  h->next = inst->live.next;
  h->prev = &inst->live;
  inst->live.next->prev = h;
  inst->live.next = h;
  inst->live_count++;
}

void instance_untrack(instance_t *inst, live_handle_t *h) {
  if (h->next == NULL)
    return;
  h->prev->next = h->next;
  h->next->prev = h->prev;
  h->next = h->prev = NULL;
  inst->live_count--;
  if (inst->tearing_down && inst->live_count == 0 &&
      inst->cleanup_hook != NULL) {
    napi_remove_async_cleanup_hook(inst->cleanup_hook);
    inst->cleanup_hook = NULL;
  }
}

napi_value instance_call(instance_t *inst, napi_async_context async_ctx,
                         napi_value recv, int which, size_t argc,
                         const napi_value *argv) {
  napi_env env = inst->env;
  napi_value fn, result = NULL, error;
  napi_status status;
  uv_thread_t self = uv_thread_self();

  /* A callback OpenSSL makes on a pool thread (a handshake step there) has
   * no JavaScript to call: the step only runs when none is expected. */
  if (!uv_thread_equal(&self, &inst->thread))
    return NULL;
  if (inst->callbacks[which] == NULL ||
      napi_get_reference_value(env, inst->callbacks[which], &fn) != napi_ok)
    return NULL;
  status = napi_make_callback(env, async_ctx, recv, fn, argc, argv, &result);
  if (status == napi_pending_exception) {
    /* From a libuv callback this is an uncaught exception, as in Node. */
    napi_get_and_clear_last_exception(env, &error);
    napi_fatal_exception(env, error);
    return NULL;
  }
  return status == napi_ok ? result : NULL;
}

static void close_live_handles(void *arg) {
  instance_t *inst = arg;
  live_handle_t *h = inst->live.next;

  while (h != &inst->live) {
    live_handle_t *next = h->next;
    h->force_close(h);
    h = next;
  }
}

/* Environment teardown (a Worker ending): every open handle is closed and
 * teardown waits for their close callbacks. */
void instance_on_teardown(napi_async_cleanup_hook_handle handle, void *arg) {
  instance_t *inst = arg;

  inst->tearing_down = 1;
  inst->cleanup_hook = handle;
  if (inst->live_count == 0) {
    napi_remove_async_cleanup_hook(handle);
    inst->cleanup_hook = NULL;
    return;
  }
  close_live_handles(inst);
}

void instance_free(napi_env env, void *data, void *hint) {
  instance_t *inst = data;

  (void)hint;
  for (int i = 0; i < CB_COUNT; i++) {
    if (inst->callbacks[i] != NULL)
      napi_delete_reference(env, inst->callbacks[i]);
  }
  if (inst->connection_ctor != NULL)
    napi_delete_reference(env, inst->connection_ctor);
  if (inst->plain_ref != NULL)
    napi_delete_reference(env, inst->plain_ref);
  session_cache_clear(&inst->sessions);
  free(inst);
}

instance_t *instance_new(napi_env env) {
  instance_t *inst = calloc(1, sizeof(*inst));
  const napi_node_version *version;

  if (inst == NULL)
    return NULL;
  inst->env = env;
  inst->thread = uv_thread_self();
  inst->live.next = inst->live.prev = &inst->live;
  if (napi_get_uv_event_loop(env, &inst->loop) != napi_ok ||
      napi_get_node_version(env, &version) != napi_ok) {
    instance_free(env, inst, NULL);
    return NULL;
  }
  inst->node_major = (int)version->major;
  return inst;
}
