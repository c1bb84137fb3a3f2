/* The session's hooks and the state machine around them: the pauses for a
 * server's context and session lookup, answered inside the hook or later,
 * ALPN, key log lines, renegotiation reports, and which steps may leave
 * the loop thread. */

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "harness.h"

#define ROUNDS 20

/* What the hooks saw, and how they answer. */
static struct {
  int context_calls;
  int answer_inside; /* choose_context answers at once */
  SSL_CTX *answer_ctx;
  char servername[64];
  int lookup_calls;
  unsigned char lookup_id[64];
  size_t lookup_id_len;
  unsigned char *stored; /* the server's last new session, serialized */
  int stored_len;
  int new_sessions;
  long alpn_offset;
  int keylog_lines;
  int handshake_starts;
} seen;

static void reset(void) {
  OPENSSL_free(seen.stored);
  memset(&seen, 0, sizeof(seen));
}

static void choose_context(session_t *s, const char *servername, int ocsp) {
  (void)ocsp;
  seen.context_calls++;
  snprintf(seen.servername, sizeof(seen.servername), "%s",
           servername != NULL ? servername : "");
  if (seen.answer_inside)
    session_choose_context(s, seen.answer_ctx, 0);
}

static void find_session(session_t *s, const unsigned char *id, size_t len) {
  (void)s;
  seen.lookup_calls++;
  seen.lookup_id_len = len < sizeof(seen.lookup_id) ? len : 0;
  memcpy(seen.lookup_id, id, seen.lookup_id_len);
}

static void new_session(session_t *s, SSL_SESSION *sess) {
  seen.new_sessions++;
  if (!session_is_server(s))
    return;
  OPENSSL_free(seen.stored);
  seen.stored = NULL;
  seen.stored_len = i2d_SSL_SESSION(sess, &seen.stored);
}

static long select_alpn(session_t *s, const unsigned char *offered,
                        size_t len) {
  (void)s;
  (void)len;
  if (seen.alpn_offset < 0)
    return -1;
  /* The second protocol offered. */
  return offered[0] + 1;
}

static void keylog(session_t *s, const char *line) {
  (void)s;
  if (strchr(line, ' ') != NULL)
    seen.keylog_lines++;
}

static void handshake_start(session_t *s) {
  (void)s;
  seen.handshake_starts++;
}

static const unsigned char psk_key[16] = "0123456789abcdef";
static const char *psk_identity = "id";

static size_t psk_client(session_t *s, const char *hint, char *identity,
                         size_t max_identity, unsigned char *psk,
                         size_t max_psk) {
  (void)s;
  (void)hint;
  if (max_identity <= strlen(psk_identity) || max_psk < sizeof(psk_key))
    return 0;
  strcpy(identity, psk_identity);
  memcpy(psk, psk_key, sizeof(psk_key));
  return sizeof(psk_key);
}

static size_t psk_server(session_t *s, const char *identity, unsigned char *psk,
                         size_t max_psk) {
  (void)s;
  if (strcmp(identity, "id") != 0 || max_psk < sizeof(psk_key))
    return 0; /* an unknown identity: no key */
  memcpy(psk, psk_key, sizeof(psk_key));
  return sizeof(psk_key);
}

static const session_hooks_t hooks = {
    .psk_client = psk_client,
    .psk_server = psk_server,
    .choose_context = choose_context,
    .find_session = find_session,
    .new_session = new_session,
    .select_alpn = select_alpn,
    .keylog = keylog,
    .handshake_start = handshake_start,
};

static int paired(pair_t *p, int version, unsigned server_hooks) {
  SSL_CTX *cctx = harness_client_ctx(KEY_ECDSA, version);
  SSL_CTX *sctx = harness_server_ctx(KEY_ECDSA, version);
  int r = cctx != NULL && sctx != NULL
              ? pair_init_hooked(p, cctx, sctx, &hooks, &hooks)
              : -1;

  SSL_CTX_free(cctx);
  SSL_CTX_free(sctx);
  if (r == 0 && server_hooks != 0)
    session_enable(&p->server, server_hooks);
  return r;
}

/* The context hook: the handshake waits in WAIT_CONTEXT, stepping it does
 * nothing, and the answer (another context: its certificate is served)
 * lets it complete. */
static void test_context_later(int version) {
  pair_t p;
  X509 *served;

  reset();
  seen.answer_ctx = harness_server_ctx(KEY_ECDSA_OTHER, version);
  CHECK(paired(&p, version, SESSION_HOOK_CONTEXT) == 0);
  /* The other certificate is not the one the client trusts. */
  SSL_set_verify(p.client.ssl, SSL_VERIFY_NONE, NULL);
  CHECK(!pair_handshake(&p, ROUNDS));
  CHECK(p.server.state == SESSION_WAIT_CONTEXT);
  CHECK(p.server_status == SESSION_PAUSED);
  CHECK(seen.context_calls == 1);
  CHECK(strcmp(seen.servername, "localhost") == 0);
  CHECK(session_handshake(&p.server) == SESSION_PAUSED);
  CHECK(seen.context_calls == 1);
  CHECK(!session_may_offload(&p.server));
  CHECK(session_choose_context(&p.server, seen.answer_ctx, 0));
  CHECK(p.server.state == SESSION_HANDSHAKE);
  CHECK(pair_handshake(&p, ROUNDS));
  CHECK(p.server.state == SESSION_OPEN);
  CHECK(seen.context_calls == 1);
  served = SSL_get0_peer_certificate(session_peek(&p.client));
  CHECK(served != NULL &&
        X509_cmp(served, harness_identity(KEY_ECDSA_OTHER)->cert) == 0);
  pair_free(&p);
  SSL_CTX_free(seen.answer_ctx);
}

/* Answered inside the hook: no pause at all. */
static void test_context_inside(void) {
  pair_t p;

  reset();
  seen.answer_inside = 1;
  CHECK(paired(&p, TLS1_3_VERSION, SESSION_HOOK_CONTEXT) == 0);
  CHECK(pair_handshake(&p, ROUNDS));
  CHECK(seen.context_calls == 1);
  pair_free(&p);
}

/* A context without a certificate: refused (the handshake goes on with
 * the current one), or passed over when the owner says so. */
static void test_context_without_certificate(int pass_over) {
  SSL_CTX *empty = SSL_CTX_new(TLS_method());
  pair_t p;

  reset();
  CHECK(paired(&p, TLS1_3_VERSION, SESSION_HOOK_CONTEXT) == 0);
  CHECK(!pair_handshake(&p, ROUNDS));
  CHECK(session_choose_context(&p.server, empty, pass_over) == pass_over);
  ERR_clear_error();
  CHECK(pair_handshake(&p, ROUNDS));
  pair_free(&p);
  SSL_CTX_free(empty);
}

/* A copy each time: a connection freed without a shutdown makes the
 * session object it used unresumable. */
static void offer_copy(session_t *client, SSL_SESSION *sess) {
  SSL_SESSION *copy = SSL_SESSION_dup(sess);

  session_set_session(client, copy);
  SSL_SESSION_free(copy);
}

/* The server's own cache (TLS 1.2 session IDs): the first connection's
 * session goes to new_session; the second waits in WAIT_SESSION for the
 * lookup of its ID, and resumes with the owner's answer. */
static void test_session_lookup(void) {
  SSL_CTX *cctx = harness_client_ctx(KEY_ECDSA, TLS1_2_VERSION);
  SSL_CTX *sctx = harness_server_ctx(KEY_ECDSA, TLS1_2_VERSION);
  const unsigned char *der;
  SSL_SESSION *client_sess, *found;
  unsigned int id_len;
  const unsigned char *id;
  pair_t p;

  reset();
  SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET);
  CHECK(pair_init_hooked(&p, cctx, sctx, &hooks, &hooks) == 0);
  session_enable(&p.server, SESSION_HOOK_CACHE);
  CHECK(pair_handshake(&p, ROUNDS));
  CHECK(seen.new_sessions == 2); /* the client's and the server's */
  CHECK(seen.lookup_calls == 0);
  client_sess = SSL_SESSION_dup(SSL_get0_session(p.client.ssl));
  pair_free(&p);

  CHECK(pair_init_hooked(&p, cctx, sctx, &hooks, &hooks) == 0);
  session_enable(&p.server, SESSION_HOOK_CACHE);
  offer_copy(&p.client, client_sess);
  CHECK(!pair_handshake(&p, ROUNDS));
  CHECK(p.server.state == SESSION_WAIT_SESSION);
  CHECK(seen.lookup_calls == 1);
  id = SSL_SESSION_get_id(client_sess, &id_len);
  CHECK(seen.lookup_id_len == id_len &&
        memcmp(seen.lookup_id, id, id_len) == 0);
  der = seen.stored;
  found = d2i_SSL_SESSION(NULL, &der, seen.stored_len);
  CHECK(found != NULL);
  session_resume_with(&p.server, found);
  CHECK(p.server.state == SESSION_HANDSHAKE);
  CHECK(pair_handshake(&p, ROUNDS));
  CHECK(SSL_session_reused(p.server.ssl) && SSL_session_reused(p.client.ssl));
  pair_free(&p);

  /* No session from the owner: a full handshake. */
  CHECK(pair_init_hooked(&p, cctx, sctx, &hooks, &hooks) == 0);
  session_enable(&p.server, SESSION_HOOK_CACHE);
  offer_copy(&p.client, client_sess);
  CHECK(!pair_handshake(&p, ROUNDS));
  session_resume_with(&p.server, NULL);
  CHECK(pair_handshake(&p, ROUNDS));
  CHECK(!SSL_session_reused(p.server.ssl));
  pair_free(&p);
  SSL_SESSION_free(client_sess);
  SSL_CTX_free(cctx);
  SSL_CTX_free(sctx);
}

/* The owner's ALPN choice, and its refusal (a fatal alert). */
static void test_alpn(int refuse) {
  static const unsigned char offer[] = "\x02h2\x08http/1.1";
  const unsigned char *chosen = NULL;
  unsigned int len = 0;
  pair_t p;

  reset();
  seen.alpn_offset = refuse ? -1 : 0;
  CHECK(paired(&p, TLS1_3_VERSION, SESSION_HOOK_ALPN) == 0);
  CHECK(session_set_alpn(&p.client, offer, sizeof(offer) - 1));
  if (refuse) {
    CHECK(!pair_handshake(&p, ROUNDS));
    CHECK(p.server.state == SESSION_FAILED);
    ERR_clear_error();
  } else {
    CHECK(pair_handshake(&p, ROUNDS));
    SSL_get0_alpn_selected(session_peek(&p.client), &chosen, &len);
    CHECK(len == 8 && memcmp(chosen, "http/1.1", 8) == 0);
  }
  pair_free(&p);
}

/* A server's own list: the first of its protocols the client offers. */
static void test_alpn_list(void) {
  static const unsigned char offer[] = "\x02h2\x08http/1.1";
  static const unsigned char mine[] = "\x08http/1.1\x02h2";
  const unsigned char *chosen = NULL;
  unsigned int len = 0;
  pair_t p;

  reset();
  CHECK(paired(&p, TLS1_3_VERSION, 0) == 0);
  CHECK(session_set_alpn(&p.client, offer, sizeof(offer) - 1));
  CHECK(session_set_alpn(&p.server, mine, sizeof(mine) - 1));
  CHECK(pair_handshake(&p, ROUNDS));
  SSL_get0_alpn_selected(session_peek(&p.server), &chosen, &len);
  CHECK(len == 8 && memcmp(chosen, "http/1.1", 8) == 0);
  pair_free(&p);
}

static void test_keylog(void) {
  pair_t p;

  reset();
  CHECK(paired(&p, TLS1_3_VERSION, 0) == 0);
  session_enable(&p.client, SESSION_HOOK_KEYLOG);
  CHECK(pair_handshake(&p, ROUNDS));
  CHECK(seen.keylog_lines >= 4); /* the TLS 1.3 traffic secrets */
  pair_free(&p);
}

/* Each renegotiation a client starts is reported by the server (for the
 * owner's limits), and its completion is flagged once on both sides. */
static void test_renegotiation_reports(void) {
  pair_t p;
  char buf[16];
  session_status_t st;

  reset();
  CHECK(paired(&p, TLS1_2_VERSION, 0) == 0);
  CHECK(pair_handshake(&p, ROUNDS));
  CHECK(seen.handshake_starts == 0);
  for (int i = 1; i <= 3; i++) {
    CHECK(session_renegotiate(&p.client));
    for (int round = 0; round < ROUNDS && SSL_renegotiate_pending(p.client.ssl);
         round++) {
      pair_transfer(&p.client, &p.server);
      session_drain(&p.server, buf, sizeof(buf), &st);
      pair_transfer(&p.server, &p.client);
      session_drain(&p.client, buf, sizeof(buf), &st);
    }
    CHECK(seen.handshake_starts == i);
    CHECK(session_take_renegotiated(&p.server));
    CHECK(!session_take_renegotiated(&p.server));
    CHECK(session_take_renegotiated(&p.client));
  }
  /* Not under TLS 1.3. */
  pair_free(&p);
  CHECK(paired(&p, TLS1_3_VERSION, 0) == 0);
  CHECK(pair_handshake(&p, ROUNDS));
  CHECK(!session_renegotiate(&p.client));
  ERR_clear_error();
  pair_free(&p);
}

/* The limits on renegotiations a peer starts: at most `limit` per window
 * (a new window counts from one again), and none at all once refused. */
static void test_renegotiation_limits(void) {
  pair_t p;

  reset();
  CHECK(paired(&p, TLS1_2_VERSION, 0) == 0);
  for (int i = 1; i <= 3; i++)
    CHECK(session_count_renegotiation(&p.server, 1000.0 * i, 3, 600000) ==
          SESSION_RENEGOTIATION_ALLOWED);
  CHECK(session_count_renegotiation(&p.server, 4000, 3, 600000) ==
        SESSION_RENEGOTIATION_TOO_MANY);
  /* A window after the last one: counted from one again. */
  CHECK(session_count_renegotiation(&p.server, 604000, 3, 600000) ==
        SESSION_RENEGOTIATION_ALLOWED);
  session_enable(&p.server, SESSION_RENEGOTIATION_OFF);
  CHECK(session_count_renegotiation(&p.server, 2000000, 3, 600000) ==
        SESSION_RENEGOTIATION_REFUSED);
  /* Over the limit wins over refused, as Node reports it. */
  CHECK(session_count_renegotiation(&p.server, 2000001, 0, 600000) ==
        SESSION_RENEGOTIATION_TOO_MANY);
  pair_free(&p);
}

/* Only a server's first step, with its whole client hello waiting and no
 * hook that could be called from it, may run on a pool thread. */
static void test_offload_eligibility(void) {
  static const unsigned hooks_out[] = {SESSION_HOOK_CONTEXT, SESSION_HOOK_CACHE,
                                       SESSION_HOOK_ALPN, SESSION_HOOK_KEYLOG};
  const char *data;
  size_t len;
  pair_t p;

  reset();
  CHECK(paired(&p, TLS1_3_VERSION, 0) == 0);
  CHECK(!session_may_offload(&p.server)); /* nothing arrived */
  CHECK(session_handshake(&p.client) == SESSION_WANT_INPUT);
  CHECK(!session_may_offload(&p.client));
  len = session_out_peek(&p.client, &data);
  CHECK(len > 10);
  CHECK(session_feed(&p.server, data, len / 2) == 0);
  CHECK(!session_may_offload(&p.server)); /* half a client hello */
  CHECK(session_feed(&p.server, data + len / 2, len - len / 2) == 0);
  session_out_consume(&p.client, len);
  CHECK(session_may_offload(&p.server));
  /* A hook asked for during the step waits for its end. */
  session_set_on_pool(&p.server, 1);
  session_enable(&p.server, SESSION_HOOK_KEYLOG);
  CHECK(!session_has(&p.server, SESSION_HOOK_KEYLOG));
  CHECK(session_peek(&p.server) == NULL);
  session_set_on_pool(&p.server, 0);
  CHECK(session_has(&p.server, SESSION_HOOK_KEYLOG));
  CHECK(pair_handshake(&p, ROUNDS));
  CHECK(!session_may_offload(&p.server)); /* done */
  pair_free(&p);

  for (size_t i = 0; i < sizeof(hooks_out) / sizeof(hooks_out[0]); i++) {
    CHECK(paired(&p, TLS1_3_VERSION, hooks_out[i]) == 0);
    session_handshake(&p.client);
    pair_transfer(&p.client, &p.server);
    CHECK(!session_may_offload(&p.server));
    pair_free(&p);
  }
}

/* Pre-shared keys from the owner's hooks, TLS 1.2 (a PSK cipher, no
 * certificate) and TLS 1.3; an identity the server does not know fails. */
static void test_psk(int version, int unknown_identity) {
  SSL_CTX *cctx = SSL_CTX_new(TLS_method());
  SSL_CTX *sctx = SSL_CTX_new(TLS_method());
  pair_t p;

  reset();
  for (SSL_CTX *ctx = cctx; ctx != NULL; ctx = ctx == cctx ? sctx : NULL) {
    SSL_CTX_set_min_proto_version(ctx, version);
    SSL_CTX_set_max_proto_version(ctx, version);
    SSL_CTX_set_cipher_list(ctx, "PSK-AES128-GCM-SHA256");
    session_install_callbacks(ctx, 0);
  }
  CHECK(pair_init_hooked(&p, cctx, sctx, &hooks, &hooks) == 0);
  session_enable(&p.client, SESSION_HOOK_PSK);
  session_enable(&p.server, SESSION_HOOK_PSK);
  CHECK(session_set_psk_hint(&p.server, "hint"));
  psk_identity = unknown_identity ? "nobody" : "id";
  if (unknown_identity) {
    CHECK(!pair_handshake(&p, ROUNDS));
    ERR_clear_error();
  } else {
    CHECK(pair_handshake(&p, ROUNDS));
    CHECK(SSL_get0_peer_certificate(session_peek(&p.client)) == NULL);
    CHECK(session_verify_result(&p.client, 0) == X509_V_OK);
  }
  psk_identity = "id";
  pair_free(&p);
  SSL_CTX_free(cctx);
  SSL_CTX_free(sctx);
}

/* A fatal error fails the session for good. */
static void test_failed_state(void) {
  pair_t p;

  reset();
  CHECK(paired(&p, TLS1_3_VERSION, 0) == 0);
  CHECK(session_feed(&p.server, "\x16\x03\x01\x00\x05garbage!", 14) == 0);
  CHECK(session_handshake(&p.server) == SESSION_ERROR);
  CHECK(p.server.state == SESSION_FAILED);
  CHECK(session_handshake(&p.server) == SESSION_ERROR);
  CHECK(!session_handshake_done(&p.server));
  ERR_clear_error();
  pair_free(&p);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  RUN("context hook answered later, TLS 1.3",
      test_context_later(TLS1_3_VERSION));
  RUN("context hook answered later, TLS 1.2",
      test_context_later(TLS1_2_VERSION));
  RUN("context hook answered inside", test_context_inside());
  RUN("context without a certificate refused",
      test_context_without_certificate(0));
  RUN("context without a certificate passed over",
      test_context_without_certificate(1));
  RUN("session lookup pause and resumption", test_session_lookup());
  RUN("ALPN chosen by the owner", test_alpn(0));
  RUN("ALPN refused by the owner", test_alpn(1));
  RUN("ALPN from the server's own list", test_alpn_list());
  RUN("key log lines", test_keylog());
  RUN("renegotiations reported", test_renegotiation_reports());
  RUN("renegotiation limits", test_renegotiation_limits());
  RUN("which steps may run on the pool", test_offload_eligibility());
  RUN("a fatal error fails the session", test_failed_state());
  RUN("PSK, TLS 1.2", test_psk(TLS1_2_VERSION, 0));
  RUN("PSK, TLS 1.3", test_psk(TLS1_3_VERSION, 0));
  RUN("PSK of an unknown identity, TLS 1.2", test_psk(TLS1_2_VERSION, 1));
  reset();
  printf("%s\n", harness_failures == 0 ? "all passed" : "FAILURES");
  return harness_failures == 0 ? 0 : 1;
}
