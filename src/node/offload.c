#include "node/offload.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "core/macros.h"

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
  session_t *session;
  offload_done_cb done;
  void *arg;
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

int offload_wanted(int loop_busy) {
  switch (offload_mode()) {
  case OFFLOAD_ALWAYS:
    return 1;
  case OFFLOAD_WHEN_BUSY:
    return loop_busy;
  default:
    return 0;
  }
}

static void collect_errors(offload_t *o) {
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

static void raise_errors(offload_t *o) {
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

static void free_offload(offload_t *o) {
  for (int i = 0; i < o->error_count; i++) {
    free(o->errors[i].file);
    free(o->errors[i].func);
    free(o->errors[i].data);
  }
  free(o->deferred);
  free(o);
}

static void run_step(uv_work_t *req) {
  offload_t *o = container_of(req, offload_t, req);

  o->status = session_handshake(o->session);
  if (o->status == SESSION_ERROR)
    collect_errors(o);
  ERR_clear_error();
}

/* Back on the loop thread: the step's errors are raised again there, then
 * the owner hears the outcome with what arrived meanwhile. */
static void step_done(uv_work_t *req, int status) {
  offload_t *o = container_of(req, offload_t, req);

  (void)status;
  session_set_on_pool(o->session, 0);
  raise_errors(o);
  o->done(o->arg, o->status, o->deferred, o->deferred_len);
  free_offload(o);
}

offload_t *offload_start(uv_loop_t *loop, session_t *s, offload_done_cb done,
                         void *arg) {
  offload_t *o = calloc(1, sizeof(*o));

  if (o == NULL)
    return NULL;
  o->session = s;
  o->done = done;
  o->arg = arg;
  session_set_on_pool(s, 1);
  if (uv_queue_work(loop, &o->req, run_step, step_done) != 0) {
    session_set_on_pool(s, 0);
    free(o);
    return NULL;
  }
  return o;
}

int offload_defer_input(offload_t *o, const char *data, size_t len) {
  char *grown = realloc(o->deferred, o->deferred_len + len);

  if (grown == NULL)
    return -1;
  memcpy(grown + o->deferred_len, data, len);
  o->deferred = grown;
  o->deferred_len += len;
  return 0;
}
