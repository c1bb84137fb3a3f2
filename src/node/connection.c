#include "node/connection.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "node/context.h"
#include "node/errors.h"
#include "node/offload.h"
#include "node/session_js.h"
#include "node/util.h"

static void on_connect(transport_t *t, int status);
static char *on_alloc(transport_t *t, size_t *len);
static void on_read(transport_t *t, ssize_t nread, const char *data,
                    int in_place);
static void on_write(transport_t *t, int status, int notify);
static void on_storage(transport_t *t, char *base, size_t cap);
static void on_shutdown(transport_t *t, int status);
static void on_close(transport_t *t);

static int js_write(transport_t *t, const char *data, size_t len);
static void js_read_control(transport_t *t, int start);
static void js_shutdown(transport_t *t);

const transport_callbacks_t connection_transport_callbacks = {
    on_connect,  on_alloc, on_read,  on_write,        on_storage,
    on_shutdown, on_close, js_write, js_read_control, js_shutdown,
};

int connection_alive(const connection_t *c) {
  return c->handle_open && !transport_is_closing(&c->transport) && !c->failed;
}

/* Calls a JavaScript callback with the connection object as `this`. */
napi_value connection_call(connection_t *c, int which, size_t argc,
                           const napi_value *argv) {
  napi_value self;

  if (c->inst->tearing_down ||
      napi_get_reference_value(c->env, c->self_ref, &self) != napi_ok ||
      self == NULL)
    return NULL;
  return instance_call(c->inst, c->async_ctx, self, which, argc, argv);
}

static void call_js_status(connection_t *c, int which, int status) {
  napi_value arg = util_int(c->env, status);
  connection_call(c, which, 1, &arg);
}

/* Ciphertext of at least this size that the socket cannot take at once
 * is queued in the storage it was encrypted into rather than copied. */
#define SEND_IN_PLACE (16 * 1024)

/* Sends the ciphertext waiting in the session: 0 sent, 1 partly queued,
 * <0 a uv error. */
static int send_pending(connection_t *c, int notify) {
  bio_storage_t out;
  const char *data;
  size_t len;
  int r, taken;

  if ((len = session_out_peek(&c->session, &data)) < SEND_IN_PLACE) {
    r = transport_write(&c->transport, data, len, notify);
    session_out_consume(&c->session, len);
    return r;
  }
  session_out_take(&c->session, &out);
  r = transport_write_storage(&c->transport, out.base, out.cap, out.data,
                              out.len, notify, &taken);
  if (!taken)
    session_out_adopt(&c->session, out.base, out.cap);
  return r;
}

int connection_flush(connection_t *c, int notify) {
  const char *data;
  int result = 0;

  /* A JavaScript stream may feed or write back synchronously from inside
   * its write: the outer flush sends what that adds, in order. */
  if (c->flushing || c->holding_output)
    return 0;
  c->flushing = 1;
  while (session_out_peek(&c->session, &data) > 0) {
    int r = send_pending(c, notify);
    if (r < 0) {
      result = r;
      break;
    }
    if (r == 1)
      result = 1;
  }
  c->flushing = 0;
  return result;
}

/* The half-close asked for while output was held, once nothing is held
 * and no step is under way (a step sends what it holds first). */
static void send_held_shutdown(connection_t *c) {
  int r;

  if (!c->shutdown_held || c->holding_output || c->processing ||
      !connection_alive(c))
    return;
  c->shutdown_held = 0;
  if ((r = transport_shutdown(&c->transport)) < 0)
    on_shutdown(&c->transport, r);
}

void connection_release_output(connection_t *c) {
  c->holding_output = 0;
  if (c->processing || !connection_alive(c) || !c->has_session)
    return; /* the step under way sends it, then the half-close */
  connection_flush(c, 0);
  connection_update_reading(c);
  send_held_shutdown(c);
}

void connection_update_reading(connection_t *c) {
  if (!connection_alive(c) || connection_on_pool(c))
    return;
  /* Waiting for 'newSession', the socket still reads: a peer that hangs up
   * then is seen. */
  if (c->ended || (session_handshake_done(&c->session) && !c->js_reading &&
                   !c->holding_output))
    transport_read_stop(&c->transport);
  else
    transport_read_start(&c->transport);
}

/* A TLS failure ends the session. During the handshake it ends the
 * connection too; after it, as in Node, the socket stays open until the
 * peer closes it, and what still arrives is dropped. */
static void fail_with(connection_t *c, napi_value error) {
  session_fail(&c->session);
  if (!session_handshake_done(&c->session)) {
    c->failed = 1;
    transport_read_stop(&c->transport);
  }
  connection_call(c, CB_ONERROR, 1, &error);
}

void connection_fail_tls(connection_t *c) {
  napi_value error = errors_tls_from_queue(c->env, "TLS error");
  connection_flush(c, 0); /* the alert, if OpenSSL queued one */
  fail_with(c, error);
}

static void deliver_end(connection_t *c) {
  c->ended = 1;
  transport_read_stop(&c->transport);
  connection_call(c, CB_ONEND, 0, NULL);
}

/* Below this, decrypting into the shared buffer and copying costs less
 * than a Buffer of its own per batch. */
#define DIRECT_MIN (8 * 1024)

/* Decrypts what the session holds and hands it to JavaScript, one callback
 * per batch of up to PLAIN_CHUNK bytes. */
void connection_deliver(connection_t *c) {
  instance_t *inst = c->inst;
  int own_buf = inst->plain_busy;
  char *buf = own_buf ? malloc(PLAIN_CHUNK) : inst->plain_buf;
  session_status_t st = SESSION_OK;

  if (buf == NULL)
    return;
  if (!own_buf)
    inst->plain_busy = 1;
  while (c->js_reading && connection_alive(c) && !c->ended &&
         !session_failed(&c->session)) {
    napi_value chunk = NULL, error = NULL, result;
    size_t filled = 0, n, cap = PLAIN_CHUNK;
    char *target = buf;
    bool more = true;

    /* Much to decrypt: straight into the Buffer JavaScript receives, sized
     * by the ciphertext waiting (never less than the plaintext in it). */
    size_t want = session_input_size(&c->session);
    if (want >= DIRECT_MIN) {
      void *data;
      if (want > PLAIN_CHUNK)
        want = PLAIN_CHUNK;
      if (napi_create_buffer(c->env, want, &data, &chunk) == napi_ok) {
        target = data;
        cap = want;
      } else {
        chunk = NULL;
      }
    }
    while (filled < cap) {
      st = session_read(&c->session, target + filled, cap - filled, &n);
      if (st != SESSION_OK)
        break;
      filled += n;
    }
    if (st == SESSION_ERROR)
      error = errors_tls_from_queue(c->env, "TLS error");
    connection_flush(c, 0);
    if (session_take_renegotiated(&c->session)) {
      connection_call(c, CB_ONHANDSHAKE, 0, NULL);
    }
    if (filled > 0) {
      if (!c->carries_data) {
        c->carries_data = 1;
        inst->carrying_data++;
      }
      napi_value args[2];
      if (chunk == NULL && !own_buf)
        napi_get_reference_value(c->env, inst->plain_ref, &chunk);
      else if (chunk == NULL)
        chunk = util_buffer_copy(c->env, buf, filled);
      args[0] = chunk;
      args[1] = util_int(c->env, (int64_t)filled);
      c->read_requested = 0;
      result = connection_call(c, CB_ONDATA, 2, args);
      if (result != NULL)
        napi_get_value_bool(c->env, result, &more);
      /* A full buffer stops reading, unless the stream asked for more
       * while the chunk was being pushed. */
      if (!more && !c->read_requested)
        c->js_reading = 0;
    }
    if (!connection_alive(c) || st == SESSION_WANT_INPUT)
      break;
    if (st == SESSION_CLOSED) {
      deliver_end(c);
      break;
    }
    if (st == SESSION_ERROR) {
      fail_with(c, error);
      break;
    }
  }
  if (!own_buf)
    inst->plain_busy = 0;
  else
    free(buf);
  if (st == SESSION_WANT_INPUT && c->has_session)
    session_release_buffers(&c->session);
  connection_update_reading(c);
}

/* A server's session for 'newSession': its ID and the session itself. */
static void emit_new_session(connection_t *c, SSL_SESSION *sess) {
  napi_value args[2];
  const unsigned char *id;
  unsigned int id_len = 0;

  id = SSL_SESSION_get_id(sess, &id_len);
  args[0] = util_buffer_copy(c->env, id, id_len);
  args[1] = session_js_bytes(c->env, sess);
  /* Nothing more reaches the client until the application stored the
   * session (newSessionDone), so it cannot come back before that. */
  c->holding_output = 1;
  connection_call(c, CB_ONNEWSESSION, 2, args);
}

/* A server's new session, for 'newSession'. Made with the tickets of the
 * step that completes a TLS 1.3 handshake: emitted once that handshake is
 * reported, as Node reports it first. */
void connection_new_server_session(connection_t *c, SSL_SESSION *sess) {
  if (!session_handshake_done(&c->session) &&
      SSL_SESSION_get_protocol_version(sess) == TLS1_3_VERSION &&
      c->deferred_count < (int)ARRAY_SIZE(c->deferred_sessions) &&
      SSL_SESSION_up_ref(sess) == 1) {
    c->deferred_sessions[c->deferred_count++] = sess;
    /* From Node 24 what the server sends waits from here on. */
    if (c->inst->node_major >= 24)
      c->holding_output = 1;
    return;
  }
  emit_new_session(c, sess);
}

static void emit_deferred_sessions(connection_t *c) {
  for (int i = 0; i < c->deferred_count; i++) {
    SSL_SESSION *sess = c->deferred_sessions[i];
    c->deferred_sessions[i] = NULL;
    if (connection_alive(c))
      emit_new_session(c, sess);
    SSL_SESSION_free(sess);
  }
  c->deferred_count = 0;
}

static void drop_deferred_sessions(connection_t *c) {
  for (int i = 0; i < c->deferred_count; i++)
    SSL_SESSION_free(c->deferred_sessions[i]);
  c->deferred_count = 0;
}

/* Returns whether the handshake completed with the connection alive. */
static int after_step(connection_t *c, session_status_t st) {
  if (!connection_alive(c))
    return 0;
  /* A close_notify, or an alert OpenSSL has no name for, ends the stream
   * in the handshake: the error is the one for a peer that hangs up. */
  if (st == SESSION_CLOSED || (st == SESSION_ERROR && errors_queue_unnamed())) {
    ERR_clear_error();
    connection_flush(c, 0);
    deliver_end(c);
    return 0;
  }
  if (st == SESSION_ERROR) {
    connection_fail_tls(c);
    return 0;
  }
  if (st != SESSION_OK) {
    connection_flush(c, 0);
    return 0;
  }
  /* The application sees the handshake before its last flight leaves:
   * a server that rejects the client's certificate sends no Finished. */
  connection_call(c, CB_ONHANDSHAKE, 0, NULL);
  session_handshake_reported(&c->session);
  if (!connection_alive(c))
    return 0;
  emit_deferred_sessions(c);
  if (!connection_alive(c))
    return 0;
  connection_flush(c, 0);
  connection_update_reading(c);
  /* Nothing more to read yet: the handshake's buffers go. */
  if (c->has_session && !session_has_input(&c->session))
    session_release_buffers(&c->session);
  return 1;
}

int connection_on_pool(const connection_t *c) {
  return c->offload != NULL;
}

/* What a handshake step's outcome means for the connection. */
static void after_handshake_step(connection_t *c, session_status_t st) {
  if (after_step(c, st) && c->js_reading)
    connection_deliver(c);
  if (!connection_alive(c) || !c->has_session)
    return;
  connection_update_reading(c);
  if (session_has_input(&c->session) || c->input_pending)
    connection_process(c);
}

/* A connection closed while its step ran on the thread pool: what on_close
 * left for after the step. */
static void offload_closed(connection_t *c) {
  if (c->handle_open)
    return; /* teardown closes it; on_close finishes */
  instance_untrack(c->inst, &c->live);
  if (c->has_session) {
    session_free(&c->session);
    c->has_session = 0;
  }
  if (c->js_gone)
    connection_free(c);
}

static void step_done(void *arg, session_status_t st, const char *deferred,
                      size_t deferred_len) {
  connection_t *c = arg;
  napi_handle_scope scope;

  c->offload = NULL;
  if (!c->handle_open || c->inst->tearing_down) {
    offload_closed(c);
    return;
  }
  napi_open_handle_scope(c->env, &scope);
  if (deferred_len > 0 &&
      session_feed(&c->session, deferred, deferred_len) != 0)
    st = SESSION_ERROR;
  after_handshake_step(c, st);
  napi_close_handle_scope(c->env, scope);
}

/* The handshake step goes to the thread pool when the session allows it
 * (no hook could be called) and the loop has other work. */
static int offload_step(connection_t *c) {
  if (c->offloaded || c->transport.kind == TRANSPORT_JS ||
      !session_may_offload(&c->session) ||
      !offload_wanted(c->inst->carrying_data > 0))
    return 0;
  c->offload = offload_start(c->inst->loop, &c->session, step_done, c);
  if (c->offload == NULL)
    return 0;
  c->offloaded = 1;
  c->inst->offloaded++;
  transport_read_stop(&c->transport);
  return 1;
}

/* Advances the handshake, then delivers application data. */
static void process_input(connection_t *c) {
  if (!session_handshake_done(&c->session)) {
    if (offload_step(c))
      return; /* step_done() follows */
    if (!after_step(c, session_handshake(&c->session)))
      return;
  }
  if (c->js_reading)
    connection_deliver(c);
}

/* Processes input unless that is already under way further up the stack
 * (ciphertext fed back synchronously by a JavaScript stream): then the
 * processing under way goes round again, keeping the data in order. */
void connection_process(connection_t *c) {
  if (c->processing || connection_on_pool(c)) {
    c->input_pending = 1;
    return;
  }
  c->processing = 1;
  do {
    c->input_pending = 0;
    process_input(c);
  } while (c->input_pending && connection_alive(c) && c->has_session);
  c->processing = 0;
  send_held_shutdown(c);
}

void connection_resume(connection_t *c) {
  if (connection_alive(c) && c->has_session)
    connection_process(c);
}

static void on_connect(transport_t *t, int status) {
  connection_t *c = container_of(t, connection_t, transport);
  napi_handle_scope scope;

  napi_open_handle_scope(c->env, &scope);
  call_js_status(c, CB_ONCONNECT, status);
  napi_close_handle_scope(c->env, scope);
}

/* Sockets read straight into the session's input queue. */
static char *on_alloc(transport_t *t, size_t *len) {
  connection_t *c = container_of(t, connection_t, transport);

  if (!c->has_session)
    return NULL;
  return session_in_reserve(&c->session, *len);
}

static void on_read(transport_t *t, ssize_t nread, const char *data,
                    int in_place) {
  connection_t *c = container_of(t, connection_t, transport);
  napi_handle_scope scope;
  int fed = 0;

  if (c->has_session && in_place)
    session_in_commit(&c->session, nread > 0 ? (size_t)nread : 0);
  if (nread == 0)
    return;
  napi_open_handle_scope(c->env, &scope);
  if (nread < 0) {
    transport_read_stop(t);
    if (nread == UV_EOF) {
      deliver_end(c);
    } else {
      napi_value args[2] = {util_int(c->env, nread),
                            util_string(c->env, "read")};
      c->failed = 1;
      connection_call(c, CB_ONERROR, 2, args);
    }
  } else if (session_failed(&c->session)) {
    session_drop_input(&c->session);
  } else if (c->has_session && connection_on_pool(c)) {
    if (offload_defer_input(c->offload, data, (size_t)nread) != 0)
      call_js_status(c, CB_ONERROR, UV_ENOMEM);
  } else if (c->has_session && connection_alive(c)) {
    fed = in_place || session_feed(&c->session, data, (size_t)nread) == 0;
    if (!fed)
      call_js_status(c, CB_ONERROR, UV_ENOMEM);
    else
      connection_process(c);
  }
  napi_close_handle_scope(c->env, scope);
}

static void on_write(transport_t *t, int status, int notify) {
  connection_t *c = container_of(t, connection_t, transport);
  napi_handle_scope scope;

  if (!connection_alive(c)) {
    if (c->has_session)
      session_out_trim(&c->session);
    return;
  }
  napi_open_handle_scope(c->env, &scope);
  if (notify) {
    call_js_status(c, CB_ONWRITE, status);
  } else if (status < 0) {
    napi_value args[2] = {util_int(c->env, status),
                          util_string(c->env, "write")};
    connection_call(c, CB_ONERROR, 2, args);
  }
  napi_close_handle_scope(c->env, scope);
  if (c->has_session)
    session_out_trim(&c->session);
}

/* The storage of a write sent in place, for the next ciphertext: a sender
 * of large writes reuses one allocation. on_write() frees it if the write
 * it reports is not followed by another. */
static void on_storage(transport_t *t, char *base, size_t cap) {
  connection_t *c = container_of(t, connection_t, transport);

  if (c->has_session)
    session_out_adopt(&c->session, base, cap);
  else
    free(base);
}

static void on_shutdown(transport_t *t, int status) {
  connection_t *c = container_of(t, connection_t, transport);
  napi_handle_scope scope;

  if (!connection_alive(c))
    return;
  napi_open_handle_scope(c->env, &scope);
  call_js_status(c, CB_ONSHUTDOWN, status);
  napi_close_handle_scope(c->env, scope);
}

/* The JavaScript-stream transport: ciphertext goes out through onwire(),
 * whose result tells whether the stream wants more. */
static int js_write(transport_t *t, const char *data, size_t len) {
  connection_t *c = container_of(t, connection_t, transport);
  napi_value chunk = util_buffer_copy(c->env, data, len);
  napi_value result;
  bool more = true;

  if (chunk == NULL)
    return UV_ENOMEM;
  result = connection_call(c, CB_ONWIRE, 1, &chunk);
  if (result != NULL)
    napi_get_value_bool(c->env, result, &more);
  return more ? 0 : 1;
}

static void js_read_control(transport_t *t, int start) {
  connection_t *c = container_of(t, connection_t, transport);
  napi_value arg = util_bool(c->env, start);

  connection_call(c, CB_ONWIREREAD, 1, &arg);
}

static void js_shutdown(transport_t *t) {
  connection_t *c = container_of(t, connection_t, transport);

  connection_call(c, CB_ONWIREEND, 0, NULL);
}

void connection_free(connection_t *c) {
  c->inst->connections--;
  if (c->has_session)
    session_free(&c->session);
  c->has_session = 0;
  drop_deferred_sessions(c);
  free(c);
}

static void on_close(transport_t *t) {
  connection_t *c = container_of(t, connection_t, transport);
  napi_handle_scope scope;

  c->handle_open = 0;
  if (c->carries_data) {
    c->carries_data = 0;
    c->inst->carrying_data--;
  }
  /* A step on the thread pool still uses the session: freed after it. */
  if (!connection_on_pool(c)) {
    instance_untrack(c->inst, &c->live);
    if (c->has_session) {
      session_free(&c->session);
      c->has_session = 0;
    }
  }
  if (!c->inst->tearing_down) {
    napi_open_handle_scope(c->env, &scope);
    connection_call(c, CB_ONCLOSE, 0, NULL);
    napi_close_handle_scope(c->env, scope);
    napi_async_destroy(c->env, c->async_ctx);
    c->async_ctx = NULL;
    if (c->held)
      napi_reference_unref(c->env, c->self_ref, NULL);
    c->held = 0;
  }
  if (c->js_gone && !connection_on_pool(c))
    connection_free(c);
}
