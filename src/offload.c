#include "offload.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "util.h"

/* OpenSSL's error queue is per thread: what the step left on the pool
 * thread is carried back and raised again on the loop thread. */
#define MAX_ERRORS 16

typedef struct carried_error {
  unsigned long code;
  char *file; /* copies: the queue frees its own with the entry */
  int line;
  char *func;
  char *data;
} carried_error_t;

struct offload {
  uv_work_t req;
  session_status_t status;
  carried_error_t errors[MAX_ERRORS];
  int error_count;
  char *deferred; /* input that arrived meanwhile */
  size_t deferred_len;
};

enum { OFFLOAD_NEVER, OFFLOAD_WHEN_BUSY, OFFLOAD_ALWAYS };

/* UVTLS_OFFLOAD=0 never, =1 always; by default only while the loop also
 * serves connections carrying data, whose latency a signature would hold
 * up. With nothing else to serve, the hop to a pool thread costs more than
 * it frees. */
static int offload_mode(void) {
  static int mode = -1;

  if (mode < 0) {
    const char *env = getenv("UVTLS_OFFLOAD");
    if (env != NULL && strcmp(env, "0") == 0)
      mode = OFFLOAD_NEVER;
    else if (env != NULL && strcmp(env, "1") == 0)
      mode = OFFLOAD_ALWAYS;
    else
      mode = OFFLOAD_WHEN_BUSY;
  }
  return mode;
}

static int loop_busy(connection_t *c) {
  switch (offload_mode()) {
  case OFFLOAD_ALWAYS:
    return 1;
  case OFFLOAD_WHEN_BUSY:
    return c->inst->carrying_data > 0;
  default:
    return 0;
  }
}

/* The session says whether its step may leave the loop thread (no hook
 * could be called from it); the connection adds its own conditions. */
static int qualifies(connection_t *c) {
  return !c->offloaded && c->transport.kind != TRANSPORT_JS && !c->trace &&
         session_may_offload(&c->session) && loop_busy(c);
}

static void collect_errors(struct offload *o) {
  const char *file, *func, *data;
  int line, flags;
  unsigned long code;

  while ((code = ERR_get_error_all(&file, &line, &func, &data, &flags)) != 0) {
    carried_error_t *e;
    if (o->error_count == MAX_ERRORS)
      continue;
    e = &o->errors[o->error_count++];
    e->code = code;
    e->file = file != NULL ? strdup(file) : NULL;
    e->line = line;
    e->func = func != NULL ? strdup(func) : NULL;
    e->data = (flags & ERR_TXT_STRING) && data != NULL ? strdup(data) : NULL;
  }
}

static void raise_errors(struct offload *o) {
  ERR_clear_error();
  for (int i = 0; i < o->error_count; i++) {
    carried_error_t *e = &o->errors[i];
    ERR_new();
    ERR_set_debug(e->file, e->line, e->func);
    if (e->data != NULL)
      ERR_set_error(ERR_GET_LIB(e->code), ERR_GET_REASON(e->code), "%s",
                    e->data);
    else
      ERR_set_error(ERR_GET_LIB(e->code), ERR_GET_REASON(e->code), NULL);
  }
}

static void free_offload(struct offload *o) {
  for (int i = 0; i < o->error_count; i++) {
    free(o->errors[i].file);
    free(o->errors[i].func);
    free(o->errors[i].data);
  }
  free(o->deferred);
  free(o);
}

static void run_step(uv_work_t *req) {
  struct offload *o = container_of(req, struct offload, req);
  connection_t *c = req->data;

  o->status = session_handshake(&c->session);
  if (o->status == SESSION_ERROR)
    collect_errors(o);
  ERR_clear_error();
}

static void step_done(uv_work_t *req, int status) {
  struct offload *o = container_of(req, struct offload, req);
  connection_t *c = req->data;
  session_status_t result;
  napi_handle_scope scope;

  (void)status;
  c->offload = NULL;
  session_set_on_pool(&c->session, 0);
  if (!c->handle_open || c->inst->tearing_down) {
    free_offload(o);
    connection_offload_closed(c);
    return;
  }
  napi_open_handle_scope(c->env, &scope);
  result = o->status;
  if (o->deferred_len > 0 &&
      session_feed(&c->session, o->deferred, o->deferred_len) != 0)
    result = SESSION_ERROR;
  raise_errors(o);
  free_offload(o);
  connection_after_handshake_step(c, result);
  napi_close_handle_scope(c->env, scope);
}

int offload_handshake(connection_t *c) {
  struct offload *o;

  if (!qualifies(c))
    return 0;
  o = calloc(1, sizeof(*o));
  if (o == NULL)
    return 0;
  o->req.data = c;
  c->offloaded = 1;
  c->inst->offloaded++;
  c->offload = o;
  session_set_on_pool(&c->session, 1);
  transport_read_stop(&c->transport);
  if (uv_queue_work(c->inst->loop, &o->req, run_step, step_done) != 0) {
    c->offload = NULL;
    session_set_on_pool(&c->session, 0);
    free(o);
    connection_update_reading(c);
    return 0;
  }
  return 1;
}

int offload_busy(const connection_t *c) {
  return c->offload != NULL;
}

int offload_defer_input(connection_t *c, const char *data, size_t len) {
  struct offload *o = c->offload;
  char *grown = realloc(o->deferred, o->deferred_len + len);

  if (grown == NULL)
    return -1;
  memcpy(grown + o->deferred_len, data, len);
  o->deferred = grown;
  o->deferred_len += len;
  return 0;
}
