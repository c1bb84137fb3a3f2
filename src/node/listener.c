#include "node/listener.h"

#include <stdlib.h>
#include <string.h>

#include "node/instance.h"
#include "node/connection.h"
#include "node/util.h"

typedef struct listener {
  live_handle_t live;
  instance_t *inst;
  napi_env env;
  napi_ref self_ref; /* strong while the socket is open */
  napi_async_context async_ctx;
  union {
    uv_handle_t handle;
    uv_stream_t stream;
    uv_tcp_t tcp;
    uv_pipe_t pipe;
  } h;
  int is_pipe;
  int handle_open;
  int js_gone;
  int accept_pending; /* on_connection is reporting a socket not yet taken */
} listener_t;

static void listener_on_close(uv_handle_t *handle) {
  listener_t *l = container_of(handle, listener_t, h.handle);

  l->handle_open = 0;
  instance_untrack(l->inst, &l->live);
  if (!l->inst->tearing_down) {
    napi_async_destroy(l->env, l->async_ctx);
    l->async_ctx = NULL;
    napi_reference_unref(l->env, l->self_ref, NULL);
  }
  if (l->js_gone)
    free(l);
}

static void listener_close(listener_t *l) {
  if (l->handle_open && !uv_is_closing(&l->h.handle))
    uv_close(&l->h.handle, listener_on_close);
}

static void force_close(live_handle_t *h) {
  listener_close(container_of(h, listener_t, live));
}

static void listener_finalize(napi_env env, void *data, void *hint) {
  listener_t *l = data;

  (void)hint;
  l->js_gone = 1;
  napi_delete_reference(env, l->self_ref);
  l->self_ref = NULL;
  if (l->handle_open)
    listener_close(l);
  else
    free(l);
}

static void notify(listener_t *l, int status) {
  napi_value self, arg;

  if (l->inst->tearing_down ||
      napi_get_reference_value(l->env, l->self_ref, &self) != napi_ok)
    return;
  arg = util_int(l->env, status);
  instance_call(l->inst, l->async_ctx, self, CB_ONCONNECTION, 1, &arg);
}

/* Creates a Connection object and accepts the pending socket into it. */
static napi_value accept_one(listener_t *l, int *err) {
  napi_value ctor, conn;
  napi_value arg =
      util_int(l->env, l->is_pipe ? TRANSPORT_PIPE : TRANSPORT_TCP);
  connection_t *c;

  if (napi_get_reference_value(l->env, l->inst->connection_ctor, &ctor) !=
          napi_ok ||
      napi_new_instance(l->env, ctor, 1, &arg, &conn) != napi_ok ||
      napi_unwrap(l->env, conn, (void **)&c) != napi_ok) {
    *err = UV_ENOMEM;
    return NULL;
  }
  *err = uv_accept(&l->h.stream, &c->transport.h.stream);
  if (*err != 0) {
    transport_close(&c->transport);
    return NULL;
  }
  return conn;
}

/* A socket is waiting: JavaScript takes it with accept() from inside the
 * callback, so that its Connection (and its async context, which
 * AsyncLocalStorage follows) is made in the listener's context, as net's
 * accepted sockets are. One it did not take is accepted and closed, so
 * that the listener goes on accepting. */
static void on_connection(uv_stream_t *server, int status) {
  listener_t *l = container_of(server, listener_t, h.stream);
  napi_handle_scope scope;
  bool pending = false;

  napi_open_handle_scope(l->env, &scope);
  l->accept_pending = status == 0;
  notify(l, status);
  if (l->accept_pending) {
    int err;
    napi_value conn = accept_one(l, &err);
    connection_t *c = NULL;
    l->accept_pending = 0;
    if (conn != NULL && napi_unwrap(l->env, conn, (void **)&c) == napi_ok &&
        c != NULL)
      transport_close(&c->transport);
  }
  if (napi_is_exception_pending(l->env, &pending) == napi_ok && pending) {
    napi_value ignored;
    napi_get_and_clear_last_exception(l->env, &ignored);
  }
  napi_close_handle_scope(l->env, scope);
}

#define THIS_LISTENER(env, self, l)                                            \
  listener_t *l = NULL;                                                        \
  if (napi_unwrap(env, self, (void **)&l) != napi_ok || l == NULL)             \
    return util_throw_type(env, "ERR_INVALID_THIS", "not a uvtls listener");

/* new Listener(isPipe) */
static napi_value listener_new(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  instance_t *inst = instance_get(env);
  napi_value name;
  listener_t *l;
  int err;

  if (inst == NULL)
    return NULL;
  if ((l = calloc(1, sizeof(*l))) == NULL)
    return util_throw(env, "ERR_MEMORY_ALLOCATION_FAILED", "out of memory");
  l->inst = inst;
  l->env = env;
  l->is_pipe = util_get_bool(env, argv[0]);
  err = l->is_pipe ? uv_pipe_init(inst->loop, &l->h.pipe, 0)
                   : uv_tcp_init(inst->loop, &l->h.tcp);
  if (err != 0) {
    free(l);
    return util_throw(env, "ERR_UVTLS_INTERNAL", uv_strerror(err));
  }
  l->handle_open = 1;
  l->live.force_close = force_close;
  instance_track(inst, &l->live);
  if (napi_wrap(env, self, l, listener_finalize, NULL, &l->self_ref) !=
      napi_ok) {
    l->js_gone = 1;
    listener_close(l);
    return util_throw(env, "ERR_UVTLS_INTERNAL", "napi_wrap failed");
  }
  napi_reference_ref(env, l->self_ref, NULL);
  napi_create_string_utf8(env, "TCPSERVERWRAP", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, self, name, &l->async_ctx);
  return self;
}

/* bind(address, port, family, ipv6Only) or bind(path) -> 0 or uv error */
static napi_value listener_bind(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 4, argv, self);
  THIS_LISTENER(env, self, l);
  struct sockaddr_storage addr;
  char *host = util_get_string(env, argv[0]);
  unsigned flags = 0;
  int err;

  if (host == NULL)
    return NULL;
  if (l->is_pipe) {
    err = uv_pipe_bind(&l->h.pipe, host);
    free(host);
    return util_int(env, err);
  }
  if (util_get_int(env, argv[2], 4) == 6) {
    err = uv_ip6_addr(host, util_get_int(env, argv[1], 0),
                      (struct sockaddr_in6 *)&addr);
    if (util_get_bool(env, argv[3]))
      flags |= UV_TCP_IPV6ONLY;
  } else {
    err = uv_ip4_addr(host, util_get_int(env, argv[1], 0),
                      (struct sockaddr_in *)&addr);
  }
  free(host);
  if (err == 0)
    err = uv_tcp_bind(&l->h.tcp, (struct sockaddr *)&addr, flags);
  return util_int(env, err);
}

static napi_value listener_listen(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  THIS_LISTENER(env, self, l);

  return util_int(env, uv_listen(&l->h.stream, util_get_int(env, argv[0], 511),
                                 on_connection));
}

static napi_value listener_getsockname(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 1, argv, self);
  THIS_LISTENER(env, self, l);
  struct sockaddr_storage addr;
  int len = sizeof(addr);
  int err;

  if (!l->handle_open || l->is_pipe)
    return util_int(env, UV_EINVAL);
  err = uv_tcp_getsockname(&l->h.tcp, (struct sockaddr *)&addr, &len);
  if (err == 0)
    err = connection_fill_address(env, argv[0], &addr);
  return util_int(env, err);
}

/* accept(): the Connection of the socket on_connection reports, or a uv
 * error number. */
static napi_value listener_accept(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_LISTENER(env, self, l);
  napi_value conn;
  int err;

  (void)argv;
  if (!l->accept_pending)
    return util_int(env, UV_EAGAIN);
  l->accept_pending = 0;
  conn = accept_one(l, &err);
  return conn != NULL ? conn : util_int(env, err);
}

static napi_value listener_close_js(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_LISTENER(env, self, l);

  (void)argv;
  listener_close(l);
  return util_undefined(env);
}

static napi_value listener_ref(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_LISTENER(env, self, l);

  (void)argv;
  if (l->handle_open)
    uv_ref(&l->h.handle);
  return util_undefined(env);
}

static napi_value listener_unref(napi_env env, napi_callback_info info) {
  GET_ARGS(env, info, 0, argv, self);
  THIS_LISTENER(env, self, l);

  (void)argv;
  if (l->handle_open)
    uv_unref(&l->h.handle);
  return util_undefined(env);
}

napi_value listener_define(napi_env env) {
  static const napi_property_descriptor methods[] = {
      METHOD("bind", listener_bind),
      METHOD("listen", listener_listen),
      METHOD("accept", listener_accept),
      METHOD("getsockname", listener_getsockname),
      METHOD("close", listener_close_js),
      METHOD("ref", listener_ref),
      METHOD("unref", listener_unref),
  };
  return util_define_class(env, "Listener", listener_new, methods,
                           ARRAY_SIZE(methods));
}
