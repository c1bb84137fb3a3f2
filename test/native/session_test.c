/* The session layer as plain C: pairs of sessions in memory, every
 * handshake kind, pauses, renegotiation, KeyUpdate, shutdown, and bad
 * input at every step of the handshake. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "harness.h"

#define ROUNDS 20

static int versions[] = {TLS1_3_VERSION, TLS1_2_VERSION};
static const char *version_names[] = {"TLS 1.3", "TLS 1.2"};

static int paired(pair_t *p, key_kind_t kind, int version) {
  SSL_CTX *cctx = harness_client_ctx(kind, version);
  SSL_CTX *sctx = harness_server_ctx(kind, version);
  int r = cctx != NULL && sctx != NULL ? pair_init(p, cctx, sctx) : -1;

  /* The sessions hold their own references. */
  SSL_CTX_free(cctx);
  SSL_CTX_free(sctx);
  return r;
}

/* Sends `len` bytes from `from` and reads them on `to`. */
static int carries(session_t *from, session_t *to, size_t len) {
  char *out = malloc(len), *in = malloc(len + 1);
  session_status_t st;
  long got;
  int ok;

  for (size_t i = 0; i < len; i++)
    out[i] = (char)(i * 31 + 7);
  ok = session_write(from, out, len) == SESSION_OK;
  pair_transfer(from, to);
  got = session_drain(to, in, len + 1, &st);
  ok = ok && got == (long)len && st == SESSION_WANT_INPUT &&
       memcmp(in, out, len) == 0;
  free(out);
  free(in);
  return ok;
}

static void test_handshake(key_kind_t kind, int version) {
  pair_t p;

  CHECK(paired(&p, kind, version) == 0);
  CHECK(pair_handshake(&p, ROUNDS));
  CHECK(SSL_version(p.client.ssl) == version);
  CHECK(SSL_get_verify_result(p.client.ssl) == X509_V_OK);
  CHECK(carries(&p.client, &p.server, 1));
  CHECK(carries(&p.server, &p.client, 100000));
  CHECK(carries(&p.client, &p.server, 16 * 1024 + 1));
  pair_free(&p);
}

/* The client's session from a first connection resumes a second. */
static void test_resumption(int version) {
  SSL_CTX *cctx = harness_client_ctx(KEY_ECDSA, version);
  SSL_CTX *sctx = harness_server_ctx(KEY_ECDSA, version);
  SSL_SESSION *sess;
  pair_t p;
  char buf[16];
  session_status_t st;

  CHECK(pair_init(&p, cctx, sctx) == 0);
  CHECK(pair_handshake(&p, ROUNDS));
  /* TLS 1.3 tickets come after the handshake: the client reads them. */
  CHECK(session_drain(&p.client, buf, sizeof(buf), &st) == 0);
  /* A copy, as the addon serializes it: a connection freed without a
   * shutdown makes its own session object unresumable. */
  sess = SSL_SESSION_dup(SSL_get0_session(p.client.ssl));
  CHECK(sess != NULL && SSL_SESSION_is_resumable(sess));
  CHECK(!SSL_session_reused(p.client.ssl));
  pair_free(&p);

  CHECK(pair_init(&p, cctx, sctx) == 0);
  SSL_set_session(p.client.ssl, sess);
  CHECK(pair_handshake(&p, ROUNDS));
  CHECK(SSL_session_reused(p.client.ssl));
  CHECK(SSL_session_reused(p.server.ssl));
  CHECK(carries(&p.client, &p.server, 10));
  SSL_SESSION_free(sess);
  pair_free(&p);
  SSL_CTX_free(cctx);
  SSL_CTX_free(sctx);
}

/* close_notify ends the peer's stream; writes after it fail. */
static void test_shutdown(int version) {
  pair_t p;
  char buf[16];
  session_status_t st;

  CHECK(paired(&p, KEY_ECDSA, version) == 0);
  CHECK(pair_handshake(&p, ROUNDS));
  session_shutdown(&p.client);
  session_shutdown(&p.client); /* once only */
  CHECK(pair_transfer(&p.client, &p.server) > 0);
  CHECK(session_drain(&p.server, buf, sizeof(buf), &st) == 0);
  CHECK(st == SESSION_CLOSED);
  CHECK(session_write(&p.client, "x", 1) != SESSION_OK);
  ERR_clear_error();
  pair_free(&p);
}

/* TLS 1.3 KeyUpdate, asked of the peer: both go on with new keys. */
static void test_key_update(void) {
  pair_t p;
  char buf[16];
  session_status_t st;

  CHECK(paired(&p, KEY_ECDSA, TLS1_3_VERSION) == 0);
  CHECK(pair_handshake(&p, ROUNDS));
  CHECK(SSL_key_update(p.client.ssl, SSL_KEY_UPDATE_REQUESTED) == 1);
  CHECK(carries(&p.client, &p.server, 100));
  /* The server answers with its own update on its next write. */
  CHECK(carries(&p.server, &p.client, 100));
  CHECK(session_drain(&p.client, buf, sizeof(buf), &st) == 0);
  CHECK(carries(&p.client, &p.server, 100));
  pair_free(&p);
}

/* TLS 1.2 renegotiation by either side completes, data flowing around it. */
static void test_renegotiation(int server_starts) {
  pair_t p;
  char buf[64];
  session_status_t st;
  session_t *starter, *other;

  CHECK(paired(&p, KEY_ECDSA, TLS1_2_VERSION) == 0);
  CHECK(pair_handshake(&p, ROUNDS));
  starter = server_starts ? &p.server : &p.client;
  other = server_starts ? &p.client : &p.server;
  CHECK(SSL_renegotiate(starter->ssl) == 1);
  for (int round = 0; round < ROUNDS && SSL_renegotiate_pending(starter->ssl);
       round++) {
    session_drain(starter, buf, sizeof(buf), &st);
    CHECK(st != SESSION_ERROR);
    SSL_do_handshake(starter->ssl);
    pair_transfer(starter, other);
    CHECK(session_drain(other, buf, sizeof(buf), &st) == 0);
    CHECK(st == SESSION_WANT_INPUT);
    pair_transfer(other, starter);
  }
  CHECK(!SSL_renegotiate_pending(starter->ssl));
  CHECK(SSL_num_renegotiations(starter->ssl) == 1);
  CHECK(carries(&p.client, &p.server, 100));
  CHECK(carries(&p.server, &p.client, 100));
  pair_free(&p);
}

/* A server refuses renegotiation when told to: the client's attempt is
 * answered by a no_renegotiation alert and the connection goes on. */
static void test_renegotiation_refused(void) {
  pair_t p;
  char buf[64];
  session_status_t st;

  CHECK(paired(&p, KEY_ECDSA, TLS1_2_VERSION) == 0);
  SSL_set_options(p.server.ssl, SSL_OP_NO_RENEGOTIATION);
  CHECK(pair_handshake(&p, ROUNDS));
  CHECK(SSL_renegotiate(p.client.ssl) == 1);
  SSL_do_handshake(p.client.ssl);
  CHECK(pair_transfer(&p.client, &p.server) > 0);
  CHECK(session_drain(&p.server, buf, sizeof(buf), &st) == 0);
  CHECK(st == SESSION_WANT_INPUT);
  pair_transfer(&p.server, &p.client);
  session_drain(&p.client, buf, sizeof(buf), &st);
  CHECK(st == SESSION_ERROR);
  ERR_clear_error();
  pair_free(&p);
}

/* A client that does not trust the server's certificate fails. */
static void test_untrusted(void) {
  SSL_CTX *cctx = SSL_CTX_new(TLS_method());
  SSL_CTX *sctx = harness_server_ctx(KEY_RSA, 0);
  pair_t p;

  SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
  CHECK(pair_init(&p, cctx, sctx) == 0);
  CHECK(!pair_handshake(&p, ROUNDS));
  CHECK(p.client_status == SESSION_ERROR);
  CHECK(SSL_get_verify_result(p.client.ssl) != X509_V_OK);
  ERR_clear_error();
  pair_free(&p);
  SSL_CTX_free(cctx);
  SSL_CTX_free(sctx);
}

/* Bad input at every step of the handshake: each flight, as it crosses,
 * has one byte changed, is cut short, or is replaced by garbage. The side
 * that receives it fails or waits for more; it never completes the
 * handshake on it, and nothing crashes. */
enum { CORRUPT_FLIP, CORRUPT_TRUNCATE, CORRUPT_GARBAGE };

static void corrupt_flight(int version, int flight, int how, size_t where) {
  pair_t p;
  int broken = 0;

  CHECK(paired(&p, KEY_ECDSA, version) == 0);
  for (int round = 0, crossed = 0; round < ROUNDS; round++) {
    session_t *from = round % 2 == 0 ? &p.client : &p.server;
    session_t *to = round % 2 == 0 ? &p.server : &p.client;
    const char *data;
    size_t len;
    session_status_t st = session_handshake(from);

    if (st == SESSION_ERROR)
      break;
    len = session_out_peek(from, &data);
    if (len == 0)
      continue;
    if (crossed++ == flight) {
      char *copy = malloc(len);
      memcpy(copy, data, len);
      if (how == CORRUPT_FLIP)
        copy[where % len] ^= 0x5a;
      else if (how == CORRUPT_GARBAGE)
        for (size_t i = 0; i < len; i++)
          copy[i] = (char)(i * 131 + where);
      session_feed(to, copy, how == CORRUPT_TRUNCATE ? where % len : len);
      free(copy);
      session_out_consume(from, len);
      broken = 1;
      st = session_handshake(to);
      /* A cut short flight waits; the others fail or wait. */
      CHECK(st == SESSION_ERROR || st == SESSION_WANT_INPUT ||
            (st == SESSION_OK && to == &p.client && version == TLS1_3_VERSION &&
             flight >= 2));
      break;
    }
    session_feed(to, data, len);
    session_out_consume(from, len);
  }
  CHECK(broken);
  ERR_clear_error();
  pair_free(&p);
}

static void test_bad_input(int version) {
  static const size_t positions[] = {0, 1, 3, 4, 5, 9, 40, 100, 300, 1000};

  for (int flight = 0; flight < 4; flight++)
    for (int how = CORRUPT_FLIP; how <= CORRUPT_GARBAGE; how++)
      for (size_t i = 0; i < sizeof(positions) / sizeof(positions[0]); i++)
        corrupt_flight(version, flight, how, positions[i]);
}

/* Records arriving one byte at a time still make a handshake and data. */
static void test_byte_at_a_time(int version) {
  pair_t p;
  const char *data;
  size_t len;

  CHECK(paired(&p, KEY_ECDSA, version) == 0);
  for (int round = 0; round < 4 * ROUNDS; round++) {
    session_t *from = round % 2 == 0 ? &p.client : &p.server;
    session_t *to = round % 2 == 0 ? &p.server : &p.client;
    CHECK(session_handshake(from) != SESSION_ERROR);
    while ((len = session_out_peek(from, &data)) > 0) {
      CHECK(session_feed(to, data, 1) == 0);
      session_out_consume(from, 1);
      CHECK(session_handshake(to) != SESSION_ERROR);
    }
    if (session_handshake_done(&p.client) && session_handshake_done(&p.server))
      break;
  }
  CHECK(session_handshake_done(&p.client) && session_handshake_done(&p.server));
  CHECK(carries(&p.client, &p.server, 5));
  pair_free(&p);
}

/* Input after close_notify, and writes after a fatal error, are refused
 * without crashing. */
static void test_after_end(void) {
  pair_t p;
  char buf[16];
  session_status_t st;

  CHECK(paired(&p, KEY_ECDSA, TLS1_3_VERSION) == 0);
  CHECK(pair_handshake(&p, ROUNDS));
  CHECK(session_feed(&p.server, "\x17\x03\x03\x00\x05hello", 10) == 0);
  CHECK(session_drain(&p.server, buf, sizeof(buf), &st) == -1);
  CHECK(st == SESSION_ERROR);
  ERR_clear_error();
  CHECK(session_write(&p.server, "x", 1) != SESSION_OK);
  ERR_clear_error();
  pair_free(&p);
}

/* The outgoing buffer handed over whole and given back. */
static void test_out_storage(void) {
  pair_t p;
  bio_storage_t out;
  char big[100000];
  session_status_t st;

  CHECK(paired(&p, KEY_ECDSA, TLS1_3_VERSION) == 0);
  CHECK(pair_handshake(&p, ROUNDS));
  memset(big, 'q', sizeof(big));
  CHECK(session_write(&p.client, big, sizeof(big)) == SESSION_OK);
  session_out_take(&p.client, &out);
  CHECK(out.base != NULL && out.len > sizeof(big) && out.cap >= out.len);
  CHECK(session_out_peek(&p.client, &(const char *){NULL}) == 0);
  CHECK(session_feed(&p.server, out.data, out.len) == 0);
  session_out_adopt(&p.client, out.base, out.cap);
  CHECK(session_drain(&p.server, big, sizeof(big), &st) == sizeof(big));
  CHECK(carries(&p.client, &p.server, 50000));
  session_out_trim(&p.client);
  pair_free(&p);
}

/* Seeds for the fuzz targets: the flights of real handshakes, each
 * target's input chunks split by the 0xff 0x00 0xff marker. */
static void write_seed(const char *dir, const char *name, const char *data,
                       size_t len) {
  char path[512];
  FILE *f;

  snprintf(path, sizeof(path), "%s/%s", dir, name);
  f = fopen(path, "wb");
  if (f == NULL || fwrite(data, 1, len, f) != len)
    harness_fail(__FILE__, __LINE__, path);
  if (f != NULL)
    fclose(f);
}

static void append_flight(char **buf, size_t *len, session_t *from) {
  const char *data;
  size_t n = session_out_peek(from, &data);

  *buf = realloc(*buf, *len + n + 3);
  if (*len > 0) {
    memcpy(*buf + *len, "\xff\x00\xff", 3);
    *len += 3;
  }
  memcpy(*buf + *len, data, n);
  *len += n;
}

static void write_corpus(const char *client_dir, const char *server_dir) {
  for (int v = 0; v < 2; v++) {
    char *to_server = NULL, *to_client = NULL, name[64];
    size_t server_len = 0, client_len = 0;
    pair_t p;

    if (paired(&p, KEY_ECDSA, versions[v]) != 0)
      return;
    for (int round = 0; round < ROUNDS; round++) {
      session_handshake(&p.client);
      if (session_out_peek(&p.client, &(const char *){NULL}) > 0)
        append_flight(&to_server, &server_len, &p.client);
      pair_transfer(&p.client, &p.server);
      session_handshake(&p.server);
      if (session_out_peek(&p.server, &(const char *){NULL}) > 0)
        append_flight(&to_client, &client_len, &p.server);
      pair_transfer(&p.server, &p.client);
      if (session_handshake_done(&p.client) &&
          session_handshake_done(&p.server))
        break;
    }
    session_write(&p.client, "ping", 4);
    append_flight(&to_server, &server_len, &p.client);
    snprintf(name, sizeof(name), "handshake-tls1%d", v == 0 ? 3 : 2);
    write_seed(server_dir, name, to_server, server_len);
    write_seed(client_dir, name, to_client, client_len);
    free(to_server);
    free(to_client);
    pair_free(&p);
  }
}

int main(int argc, char **argv) {
  char name[128];

  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc == 4 && strcmp(argv[1], "--write-corpus") == 0) {
    write_corpus(argv[2], argv[3]);
    return harness_failures == 0 ? 0 : 1;
  }
  for (int v = 0; v < 2; v++) {
    for (int k = KEY_ECDSA; k <= KEY_RSA; k++) {
      snprintf(name, sizeof(name), "full handshake, %s, %s", version_names[v],
               k == KEY_RSA ? "RSA" : "ECDSA");
      RUN(name, test_handshake((key_kind_t)k, versions[v]));
    }
    snprintf(name, sizeof(name), "resumption, %s", version_names[v]);
    RUN(name, test_resumption(versions[v]));
    snprintf(name, sizeof(name), "shutdown, %s", version_names[v]);
    RUN(name, test_shutdown(versions[v]));
    snprintf(name, sizeof(name), "bad input at every handshake step, %s",
             version_names[v]);
    RUN(name, test_bad_input(versions[v]));
    snprintf(name, sizeof(name), "one byte at a time, %s", version_names[v]);
    RUN(name, test_byte_at_a_time(versions[v]));
  }
  RUN("key update (TLS 1.3)", test_key_update());
  RUN("renegotiation by the client (TLS 1.2)", test_renegotiation(0));
  RUN("renegotiation by the server (TLS 1.2)", test_renegotiation(1));
  RUN("renegotiation refused (TLS 1.2)", test_renegotiation_refused());
  RUN("untrusted certificate", test_untrusted());
  RUN("input after the end, writes after an error", test_after_end());
  RUN("outgoing storage handed over and back", test_out_storage());
  printf("%s\n", harness_failures == 0 ? "all passed" : "FAILURES");
  return harness_failures == 0 ? 0 : 1;
}
