#include "core/session.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "core/bio.h"

int session_init(session_t *s, SSL_CTX *ctx, int is_server,
                 const session_hooks_t *hooks) {
  memset(s, 0, sizeof(*s));
  s->hooks = hooks;
  s->state = SESSION_HANDSHAKE;
  s->flags = is_server ? SESSION_SERVER : 0;

  s->ssl = SSL_new(ctx);
  s->in = bio_queue_new();
  s->out = bio_queue_new();
  if (s->ssl == NULL || s->in == NULL || s->out == NULL) {
    session_free(s);
    return -1;
  }
  SSL_set_bio(s->ssl, s->in, s->out);
  SSL_set_app_data(s->ssl, s);
  SSL_set_mode(s->ssl, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (is_server)
    SSL_set_accept_state(s->ssl);
  else
    SSL_set_connect_state(s->ssl);
  return 0;
}

void session_free(session_t *s) {
  if (s->ssl != NULL) {
    SSL_free(s->ssl); /* frees both BIOs it owns */
  } else {
    BIO_free(s->in);
    BIO_free(s->out);
  }
  s->ssl = NULL;
  s->in = NULL;
  s->out = NULL;
  free(s->alpn);
  s->alpn = NULL;
  OPENSSL_free(s->ocsp_response);
  s->ocsp_response = NULL;
  SSL_SESSION_free(s->resumed);
  s->resumed = NULL;
  SSL_SESSION_free(s->secure_session);
  s->secure_session = NULL;
  BIO_free(s->trace_bio); /* after the SSL that wrote to it */
  s->trace_bio = NULL;
}

int session_has(const session_t *s, unsigned flag) {
  return (s->flags & flag) == flag;
}

int session_is_server(const session_t *s) {
  return session_has(s, SESSION_SERVER);
}

int session_handshake_done(const session_t *s) {
  return session_has(s, SESSION_ESTABLISHED);
}

#ifndef NDEBUG /* only the assertions ask */
static int transition_allowed(session_state_t from, session_state_t to) {
  switch (to) {
  case SESSION_WAIT_CONTEXT:
  case SESSION_WAIT_SESSION:
  case SESSION_OPEN:
    return from == SESSION_HANDSHAKE;
  case SESSION_HANDSHAKE:
    return from == SESSION_WAIT_CONTEXT || from == SESSION_WAIT_SESSION;
  case SESSION_FAILED:
    return from != SESSION_FAILED;
  }
  return 0;
}
#endif

void session_enter(session_t *s, session_state_t next) {
  assert(transition_allowed(s->state, next));
  s->state = next;
  if (next == SESSION_OPEN)
    s->flags |= SESSION_ESTABLISHED;
}

void session_fail(session_t *s) {
  if (s->state != SESSION_FAILED)
    session_enter(s, SESSION_FAILED);
}

int session_failed(const session_t *s) {
  return s->state == SESSION_FAILED && session_handshake_done(s);
}

int session_feed(session_t *s, const char *data, size_t len) {
  return bio_queue_append(s->in, data, len);
}

char *session_in_reserve(session_t *s, size_t len) {
  return bio_queue_reserve(s->in, len);
}

void session_in_commit(session_t *s, size_t n) {
  bio_queue_commit(s->in, n);
}

void session_drop_input(session_t *s) {
  const char *data;

  bio_queue_consume(s->in, bio_queue_peek(s->in, &data));
}

void session_release_buffers(session_t *s) {
  SSL_free_buffers(s->ssl);
  bio_queue_release(s->in);
  bio_queue_release(s->out);
}

/* SSL_get_error() reads the thread's error queue: a step starts with it
 * empty. Clearing walks every slot of the queue; looking is cheaper, and
 * the queue is nearly always empty already. */
static void error_queue_empty(void) {
  if (ERR_peek_error() != 0)
    ERR_clear_error();
}

static session_status_t status_of(session_t *s, int ret) {
  switch (SSL_get_error(s->ssl, ret)) {
  case SSL_ERROR_WANT_READ:
  case SSL_ERROR_WANT_WRITE:
    return SESSION_WANT_INPUT;
  case SSL_ERROR_ZERO_RETURN:
    return SESSION_CLOSED;
  case SSL_ERROR_WANT_X509_LOOKUP:
  case SSL_ERROR_WANT_CLIENT_HELLO_CB:
    return SESSION_PAUSED;
  default:
    return SESSION_ERROR;
  }
}

session_status_t session_handshake(session_t *s) {
  session_status_t st;
  int ret;

  if (session_handshake_done(s))
    return SESSION_OK;
  if (s->state == SESSION_FAILED)
    return SESSION_ERROR;
  /* Still waiting for the owner's answer: nothing to step. */
  if (s->state != SESSION_HANDSHAKE)
    return SESSION_PAUSED;
  error_queue_empty();
  ret = SSL_do_handshake(s->ssl);
  if (ret == 1) {
    session_enter(s, SESSION_OPEN);
    return SESSION_OK;
  }
  st = status_of(s, ret);
  if (st == SESSION_ERROR)
    session_fail(s);
  return st;
}

/* A complete handshake record (the client hello) waits at the head of the
 * input: a step gets through it in one go. */
static int client_hello_ready(const session_t *s) {
  const unsigned char *header;
  size_t len = bio_queue_peek(s->in, (const char **)&header);
  size_t record;

  if (len < 5)
    return 0;
  record = ((size_t)header[3] << 8) | header[4];
  return header[0] == 22 && len >= 5 + record;
}

int session_may_offload(const session_t *s) {
  return session_is_server(s) && s->state == SESSION_HANDSHAKE &&
         (s->flags & SESSION_HOOKS_CALLING_OUT) == 0 && client_hello_ready(s);
}

session_status_t session_read(session_t *s, char *buf, size_t cap,
                              size_t *nread) {
  session_status_t st;
  size_t n = 0;
  int ret;

  error_queue_empty();
  ret = SSL_read_ex(s->ssl, buf, cap, &n);
  if (ret == 1) {
    *nread = n;
    return SESSION_OK;
  }
  *nread = 0;
  st = status_of(s, ret);
  if (st == SESSION_ERROR)
    session_fail(s);
  return st;
}

size_t session_input_size(const session_t *s) {
  return (size_t)SSL_pending(s->ssl) + BIO_ctrl_pending(s->in);
}

int session_has_input(const session_t *s) {
  return SSL_pending(s->ssl) > 0 || BIO_ctrl_pending(s->in) > 0;
}

/* Room for the records of a write of `len` bytes, so that its ciphertext
 * is written into one allocation (headers, tags and padding take less
 * than this per record of up to 16 KiB). */
#define RECORD_OVERHEAD 128
#define RECORD_PAYLOAD  (16 * 1024)

session_status_t session_write(session_t *s, const char *data, size_t len) {
  size_t written = 0;

  /* Without the room the queue grows as it fills: only slower. */
  (void)bio_queue_reserve(s->out,
                          len + (len / RECORD_PAYLOAD + 1) * RECORD_OVERHEAD);
  error_queue_empty();
  while (len > 0) {
    if (SSL_write_ex(s->ssl, data, len, &written) != 1)
      return status_of(s, 0) == SESSION_CLOSED ? SESSION_CLOSED : SESSION_ERROR;
    data += written;
    len -= written;
  }
  return SESSION_OK;
}

void session_shutdown(session_t *s) {
  if (session_has(s, SESSION_SHUTDOWN_SENT))
    return;
  s->flags |= SESSION_SHUTDOWN_SENT;
  /* Only the close_notify is wanted; the peer's answer is not awaited. */
  SSL_shutdown(s->ssl);
  ERR_clear_error();
}

int session_renegotiate(session_t *s) {
  /* OpenSSL refuses (and says why) before the first handshake completed
   * and under TLS 1.3. */
  ERR_clear_error();
  if (SSL_renegotiate(s->ssl) != 1)
    return 0;
  if (SSL_do_handshake(s->ssl) != 1)
    ERR_clear_error(); /* waits for the peer, like any handshake */
  return 1;
}

session_renegotiation_t session_count_renegotiation(session_t *s, double now_ms,
                                                    double limit,
                                                    double window_ms) {
  if (now_ms - s->last_renegotiation_ms >= window_ms)
    s->renegotiations = 1;
  else
    s->renegotiations++;
  s->last_renegotiation_ms = now_ms;
  if (s->renegotiations > limit)
    return SESSION_RENEGOTIATION_TOO_MANY;
  if (session_has(s, SESSION_RENEGOTIATION_OFF))
    return SESSION_RENEGOTIATION_REFUSED;
  return SESSION_RENEGOTIATION_ALLOWED;
}

int session_take_renegotiated(session_t *s) {
  if (!session_has(s, SESSION_RENEGOTIATED))
    return 0;
  s->flags &= ~SESSION_RENEGOTIATED;
  return 1;
}

void session_handshake_reported(session_t *s) {
  SSL_SESSION_free(s->secure_session);
  s->secure_session = NULL;
}

size_t session_out_peek(session_t *s, const char **data) {
  return bio_queue_peek(s->out, data);
}

void session_out_consume(session_t *s, size_t n) {
  bio_queue_consume(s->out, n);
}

void session_out_take(session_t *s, bio_storage_t *out) {
  bio_queue_take(s->out, out);
}

void session_out_adopt(session_t *s, char *base, size_t cap) {
  bio_queue_adopt(s->out, base, cap);
}

void session_out_trim(session_t *s) {
  bio_queue_release(s->out);
}
