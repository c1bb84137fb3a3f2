#include "session.h"

#include <openssl/err.h>

#include "bio.h"

int session_init(session_t *s, SSL_CTX *ctx, int is_server) {
  s->ssl = NULL;
  s->in = NULL;
  s->out = NULL;
  s->is_server = is_server;
  s->handshake_done = 0;
  s->shutdown_sent = 0;

  s->ssl = SSL_new(ctx);
  s->in = bio_queue_new();
  s->out = bio_queue_new();
  if (s->ssl == NULL || s->in == NULL || s->out == NULL) {
    session_free(s);
    return -1;
  }
  SSL_set_bio(s->ssl, s->in, s->out);
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
  int ret;

  if (s->handshake_done)
    return SESSION_OK;
  /* SSL_get_error() reads the thread's error queue: start it empty. */
  ERR_clear_error();
  ret = SSL_do_handshake(s->ssl);
  if (ret == 1) {
    s->handshake_done = 1;
    return SESSION_OK;
  }
  return status_of(s, ret);
}

session_status_t session_read(session_t *s, char *buf, size_t cap,
                              size_t *nread) {
  size_t n = 0;
  int ret;

  ERR_clear_error();
  ret = SSL_read_ex(s->ssl, buf, cap, &n);

  if (ret == 1) {
    *nread = n;
    return SESSION_OK;
  }
  *nread = 0;
  return status_of(s, ret);
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
  ERR_clear_error();
  while (len > 0) {
    if (SSL_write_ex(s->ssl, data, len, &written) != 1)
      return status_of(s, 0) == SESSION_CLOSED ? SESSION_CLOSED : SESSION_ERROR;
    data += written;
    len -= written;
  }
  return SESSION_OK;
}

void session_shutdown(session_t *s) {
  if (s->shutdown_sent)
    return;
  s->shutdown_sent = 1;
  /* Only the close_notify is wanted; the peer's answer is not awaited. */
  SSL_shutdown(s->ssl);
  ERR_clear_error();
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
