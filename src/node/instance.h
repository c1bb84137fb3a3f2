#ifndef UVTLS_INSTANCE_H
#define UVTLS_INSTANCE_H

/* Per-environment state: each Node environment (the main thread, every
 * Worker) has its own loop, callbacks, read buffers and live handles. */

#include <node_api.h>
#include <uv.h>

#include "core/session_cache.h"

#include "io/transport.h"

/* The JavaScript callbacks, registered once per environment. */
#define UVTLS_CALLBACKS(V)                                                     \
  V(ONCONNECT, "onconnect")                                                    \
  V(ONHANDSHAKE, "onhandshake")                                                \
  V(ONDATA, "ondata")                                                          \
  V(ONEND, "onend")                                                            \
  V(ONERROR, "onerror")                                                        \
  V(ONWRITE, "onwrite")                                                        \
  V(ONSHUTDOWN, "onshutdown")                                                  \
  V(ONCLOSE, "onclose")                                                        \
  V(ONCONNECTION, "onconnection")                                              \
  V(ONWIRE, "onwire")                                                          \
  V(ONWIREREAD, "onwireread")                                                  \
  V(ONWIREEND, "onwireend")                                                    \
  V(ONALPN, "onalpn")                                                          \
  V(ONCERTCB, "oncertcb")                                                      \
  V(ONSESSION, "onsession")                                                    \
  V(ONPSKCLIENT, "onpskclient")                                                \
  V(ONPSKSERVER, "onpskserver")                                                \
  V(ONHANDSHAKESTART, "onhandshakestart")                                      \
  V(ONKEYLOG, "onkeylog")                                                      \
  V(ONNEWSESSION, "onnewsession")                                              \
  V(ONRESUMESESSION, "onresumesession")                                        \
  V(ONOCSPRESPONSE, "onocspresponse")                                          \
  V(ONASYNCID, "onasyncid")

#define UVTLS_CALLBACK_ENUM(name, js) CB_##name,
enum { UVTLS_CALLBACKS(UVTLS_CALLBACK_ENUM) CB_COUNT };
#undef UVTLS_CALLBACK_ENUM

/* Plaintext handed to JavaScript per callback, at most. */
#define PLAIN_CHUNK (64 * 1024)

typedef struct live_handle live_handle_t;

/* A libuv handle that must be closed before the environment goes away. */
struct live_handle {
  live_handle_t *prev;
  live_handle_t *next;
  void (*force_close)(live_handle_t *h);
};

typedef struct instance {
  napi_env env;
  uv_loop_t *loop;
  uv_thread_t thread; /* the loop's: the only one that may call JavaScript */
  napi_ref callbacks[CB_COUNT];
  napi_ref connection_ctor;
  /* Plaintext out of OpenSSL, shared by the connections: the memory of a
   * Buffer JavaScript also holds (binding.plainBuffer), so that a small
   * chunk reaches it as (plainBuffer, length) and is copied into pooled
   * memory there, cheaper than a Buffer of its own made here. */
  char *plain_buf;
  napi_ref plain_ref;
  int plain_busy;
  live_handle_t live; /* list head */
  int live_count;
  int64_t connections;      /* allocated and not yet freed */
  int64_t carrying_data;    /* open connections that have delivered plaintext */
  int64_t offloaded;        /* handshake steps run on the thread pool */
  session_cache_t sessions; /* client sessions lately serialized */
  int node_major; /* of the running Node, where its behaviour differs */
  int tearing_down;
  napi_async_cleanup_hook_handle cleanup_hook;
} instance_t;

instance_t *instance_new(napi_env env);
/* The instance data's finalizer, and the environment's teardown hook. */
void instance_free(napi_env env, void *data, void *hint);
void instance_on_teardown(napi_async_cleanup_hook_handle handle, void *arg);
instance_t *instance_get(napi_env env);
void instance_track(instance_t *inst, live_handle_t *h);
void instance_untrack(instance_t *inst, live_handle_t *h);

/* Calls callbacks[which] with `recv` as `this` through napi_make_callback;
 * an exception becomes an uncaught exception. Returns the result or NULL. */
napi_value instance_call(instance_t *inst, napi_async_context async_ctx,
                         napi_value recv, int which, size_t argc,
                         const napi_value *argv);

#endif
