/* libFuzzer target: a session fed arbitrary ciphertext. Built twice:
 * FUZZ_SERVER=1 fuzzes a server from its first byte (the client hello
 * and what follows), FUZZ_SERVER=0 a client after it sent its hello.
 * The input is split into chunks at 0xff 0x00 0xff markers, each fed and
 * stepped in turn, so that a corpus entry can hold several flights. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "harness.h"

#ifndef FUZZ_SERVER
#error "define FUZZ_SERVER as 1 (server) or 0 (client)"
#endif

static SSL_CTX *ctx;

/* The pauses are answered at the next chunk (a server's context, its
 * session lookup), so that both the pause and its resumption are fuzzed. */
static void answer_pauses(session_t *s) {
  if (s->state == SESSION_WAIT_CONTEXT)
    (void)session_choose_context(s, NULL, 0);
  else if (s->state == SESSION_WAIT_SESSION)
    session_resume_with(s, NULL);
}

static long select_alpn(session_t *s, const unsigned char *offered,
                        size_t len) {
  (void)s;
  return len > 0 && offered[0] % 2 == 0 ? 0 : -1;
}

static void ignore_context(session_t *s, const char *name, int ocsp) {
  (void)s;
  (void)name;
  (void)ocsp;
}

static void ignore_lookup(session_t *s, const unsigned char *id, size_t len) {
  (void)s;
  (void)id;
  (void)len;
}

static void ignore_session(session_t *s, SSL_SESSION *sess) {
  (void)s;
  (void)sess;
}

static void ignore_line(session_t *s, const char *line) {
  (void)s;
  (void)line;
}

static const session_hooks_t hooks = {
    .choose_context = ignore_context,
    .find_session = ignore_lookup,
    .new_session = ignore_session,
    .select_alpn = select_alpn,
    .keylog = ignore_line,
};

static void step(session_t *s) {
  char buf[4096];
  size_t n;

  answer_pauses(s);
  if (session_handshake(s) != SESSION_OK)
    return;
  /* Established: read what decrypts, answer with a little data, and
   * close once. */
  for (int i = 0; i < 64; i++)
    if (session_read(s, buf, sizeof(buf), &n) != SESSION_OK)
      break;
  (void)session_write(s, "pong", 4);
  session_shutdown(s);
}

static const uint8_t *next_marker(const uint8_t *p, const uint8_t *end) {
  for (; p + 3 <= end; p++)
    if (p[0] == 0xff && p[1] == 0x00 && p[2] == 0xff)
      return p;
  return end;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *p = data, *end = data + size;
  session_t s;
  const char *out;

  if (ctx == NULL) {
    ctx = FUZZ_SERVER ? harness_server_ctx(KEY_ECDSA, 0)
                      : harness_client_ctx(KEY_ECDSA, 0);
    if (ctx == NULL)
      abort();
  }
  if (session_init(&s, ctx, FUZZ_SERVER, &hooks) != 0)
    return 0;
  /* The first byte of an input picks the hooks a server turns on. */
  if (FUZZ_SERVER && size > 0) {
    if (data[0] & 1)
      session_enable(&s, SESSION_HOOK_CONTEXT);
    if (data[0] & 2)
      session_enable(&s, SESSION_HOOK_CACHE);
    if (data[0] & 4)
      session_enable(&s, SESSION_HOOK_ALPN);
    if (data[0] & 8)
      session_enable(&s, SESSION_HOOK_KEYLOG);
  }
  if (!FUZZ_SERVER) {
    SSL_set_tlsext_host_name(s.ssl, "localhost");
    (void)session_handshake(&s); /* the client hello */
  }
  while (p < end) {
    const uint8_t *m = next_marker(p, end);
    if (session_feed(&s, (const char *)p, (size_t)(m - p)) != 0)
      break;
    step(&s);
    session_out_consume(&s, session_out_peek(&s, &out));
    p = m < end ? m + 3 : end;
  }
  session_release_buffers(&s);
  session_free(&s);
  ERR_clear_error();
  return 0;
}
