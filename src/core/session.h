#ifndef UVTLS_SESSION_H
#define UVTLS_SESSION_H

/* The TLS state machine of one connection: ciphertext in, ciphertext out.
 * Knows nothing of sockets or of JavaScript. It owns the SSL*: it installs
 * OpenSSL's callbacks and reports to its owner through a table of hooks,
 * and it keeps the state of the handshake, its pauses, renegotiation and
 * shutdown. Only context-level configuration (the SSL_CTX) is done
 * elsewhere. */

#include <stddef.h>
#include <openssl/ssl.h>

#include "core/bio.h"

typedef enum {
  SESSION_OK = 0,     /* progress made (handshake done / bytes read) */
  SESSION_WANT_INPUT, /* needs more ciphertext from the peer */
  SESSION_PAUSED,     /* waits for the owner (a hook's answer) */
  SESSION_CLOSED,     /* the peer sent close_notify */
  SESSION_ERROR       /* fatal; the OpenSSL error queue says why */
} session_status_t;

/* Where the session is. Transitions (asserted):
 *   HANDSHAKE -> WAIT_CONTEXT -> HANDSHAKE    a server's certificate hook
 *   HANDSHAKE -> WAIT_SESSION -> HANDSHAKE    a server's session lookup
 *   HANDSHAKE -> OPEN                         the first handshake completed
 *   HANDSHAKE | OPEN -> FAILED                a fatal error */
typedef enum {
  SESSION_HANDSHAKE = 0,
  SESSION_WAIT_CONTEXT, /* the owner picks the context to serve */
  SESSION_WAIT_SESSION, /* the owner looks up the session to resume */
  SESSION_OPEN,
  SESSION_FAILED
} session_state_t;

/* The flags word: what the owner asked for and what happened. */
enum {
  SESSION_SERVER = 1u << 0,
  SESSION_SHUTDOWN_SENT = 1u << 1,
  /* Hooks the owner turned on; each calls out of a handshake step. */
  SESSION_HOOK_CONTEXT = 1u << 2, /* a server's context per client hello */
  SESSION_HOOK_CACHE = 1u << 3,   /* a server's own session cache */
  SESSION_HOOK_ALPN = 1u << 4,    /* a server's ALPN choice */
  SESSION_HOOK_PSK = 1u << 5,
  SESSION_HOOK_KEYLOG = 1u << 6,
  SESSION_TRACE = 1u << 7,
  /* The pauses' answers, once given. */
  SESSION_CONTEXT_CHOSEN = 1u << 8,
  SESSION_LOOKUP_DONE = 1u << 9,
  SESSION_IN_CONTEXT_HOOK = 1u << 10,  /* the context hook is running */
  SESSION_ON_POOL = 1u << 11,          /* a step runs on a pool thread */
  SESSION_RENEGOTIATED = 1u << 12,     /* a later handshake completed */
  SESSION_ESTABLISHED = 1u << 13,      /* the first handshake completed */
  SESSION_RENEGOTIATION_OFF = 1u << 14 /* the owner refuses renegotiation */
};

/* The verdict on a renegotiation a peer started. */
typedef enum {
  SESSION_RENEGOTIATION_ALLOWED = 0,
  SESSION_RENEGOTIATION_TOO_MANY = 1, /* over the limit in its window */
  SESSION_RENEGOTIATION_REFUSED = 2   /* SESSION_RENEGOTIATION_OFF */
} session_renegotiation_t;

/* Hooks that call the owner out of a handshake step. */
#define SESSION_HOOKS_CALLING_OUT                                              \
  (SESSION_HOOK_CONTEXT | SESSION_HOOK_CACHE | SESSION_HOOK_ALPN |             \
   SESSION_HOOK_PSK | SESSION_HOOK_KEYLOG | SESSION_TRACE)

typedef struct session session_t;

/* What the session reports to its owner, the twin of the transport's
 * callback table. Hooks are not called while a step runs on a pool
 * thread (the session refuses those steps when a hook could be). */
typedef struct session_hooks {
  /* A server's client hello: the owner picks the context to serve with
   * session_choose_context(), there or later (the handshake waits). */
  void (*choose_context)(session_t *s, const char *servername,
                         int ocsp_requested);
  /* A server with its own cache: the client named session `id`; the owner
   * answers with session_resume_with(), there or later. */
  void (*find_session)(session_t *s, const unsigned char *id, size_t len);
  /* A new session (a client's, or a server's with its own cache). */
  void (*new_session)(session_t *s, SSL_SESSION *sess);
  /* A server's ALPN choice: the offset in `offered` (wire format) of the
   * protocol chosen, or -1 to refuse the connection. */
  long (*select_alpn)(session_t *s, const unsigned char *offered, size_t len);
  /* PSK: a client's identity and key for the server's hint; a server's key
   * for the client's identity. The key's length, 0 for none. */
  size_t (*psk_client)(session_t *s, const char *hint, char *identity,
                       size_t max_identity, unsigned char *psk, size_t max_psk);
  size_t (*psk_server)(session_t *s, const char *identity, unsigned char *psk,
                       size_t max_psk);
  void (*keylog)(session_t *s, const char *line);
  /* A client's stapled OCSP response (NULL: none). */
  void (*ocsp_response)(session_t *s, const unsigned char *resp, size_t len);
  /* A server's later handshake (a renegotiation) started. */
  void (*handshake_start)(session_t *s);
} session_hooks_t;

struct session {
  SSL *ssl;
  BIO *in;  /* ciphertext received from the peer */
  BIO *out; /* ciphertext to send to the peer */
  const session_hooks_t *hooks;
  session_state_t state;
  unsigned flags;
  unsigned flags_after_pool; /* asked for while a step ran on the pool */
  /* A server's own choice of ALPN protocols (wire format). */
  unsigned char *alpn;
  size_t alpn_len;
  unsigned char *ocsp_response; /* a server's, until stapled */
  size_t ocsp_response_len;
  SSL_SESSION *resumed; /* the session the owner's lookup gave */
  /* A TLS 1.3 server's session as it was when the handshake completed,
   * before its tickets changed it. */
  SSL_SESSION *secure_session;
  BIO *trace_bio;
  /* Renegotiations started in the current window, and when the last did
   * (the owner's clock, in milliseconds). */
  double renegotiations;
  double last_renegotiation_ms;
};

/* Installs the session's callbacks on a context (every context a session
 * may use has them). `acknowledge_sni`: a server acknowledges the client's
 * server name. */
void session_install_callbacks(SSL_CTX *ctx, int acknowledge_sni);

int session_init(session_t *s, SSL_CTX *ctx, int is_server,
                 const session_hooks_t *hooks);
void session_free(session_t *s);
int session_has(const session_t *s, unsigned flag);
int session_is_server(const session_t *s);
/* The first handshake completed (the state is OPEN or FAILED after it). */
int session_handshake_done(const session_t *s);
/* Moves the state on, asserting the transition is one of those above. */
void session_enter(session_t *s, session_state_t next);
/* A fatal error: the session takes no more input (FAILED, once). */
void session_fail(session_t *s);
/* Failed after its handshake: the connection stays open as in Node, and
 * what still arrives is dropped. */
int session_failed(const session_t *s);

/* Hands received ciphertext to the session. */
int session_feed(session_t *s, const char *data, size_t len);
/* Room to receive ciphertext in place, then how much arrived there. */
char *session_in_reserve(session_t *s, size_t len);
void session_in_commit(session_t *s, size_t n);
/* Discards received ciphertext (after the session failed). */
void session_drop_input(session_t *s);
/* Frees OpenSSL's record buffers when nothing is buffered in them; called
 * when a burst of traffic ends, so idle connections hold none. */
void session_release_buffers(session_t *s);
/* Drives the handshake: SESSION_OK once it completed. */
session_status_t session_handshake(session_t *s);
/* Whether the next handshake step may run on a pool thread: a server's
 * first, with a whole client hello waiting, and no hook that could be
 * called from it. */
int session_may_offload(const session_t *s);
/* Decrypts into buf; *nread is set on SESSION_OK. */
session_status_t session_read(session_t *s, char *buf, size_t cap,
                              size_t *nread);
/* Bytes waiting inside: decrypted, plus ciphertext not yet processed. */
size_t session_input_size(const session_t *s);
/* True while decrypted bytes or unprocessed ciphertext wait inside. */
int session_has_input(const session_t *s);
/* Encrypts all of data into the outgoing buffer. */
session_status_t session_write(session_t *s, const char *data, size_t len);
/* Queues close_notify, once. */
void session_shutdown(session_t *s);
/* Starts a TLS 1.2 renegotiation; 0 with the error queued if refused. */
int session_renegotiate(session_t *s);
/* Counts a renegotiation the peer started (the handshake_start hook), at
 * most `limit` per `window_ms`: the owner's limits, read when it happens. */
session_renegotiation_t session_count_renegotiation(session_t *s, double now_ms,
                                                    double limit,
                                                    double window_ms);
/* A later handshake completed since the last call (then reported once). */
int session_take_renegotiated(session_t *s);
/* The owner reported the first handshake: the snapshot of the session
 * taken when it completed is dropped. */
void session_handshake_reported(session_t *s);
/* Marks the session as used from a pool thread for one step. */
void session_set_on_pool(session_t *s, int on_pool);

/* The ciphertext waiting to be sent, and its release once taken. */
size_t session_out_peek(session_t *s, const char **data);
void session_out_consume(session_t *s, size_t n);
/* The ciphertext waiting to be sent with the storage it is in, so that
 * what cannot be sent at once goes on without a copy; the storage comes
 * back through session_out_adopt() once it is sent. */
void session_out_take(session_t *s, bio_storage_t *out);
void session_out_adopt(session_t *s, char *base, size_t cap);
/* Frees the outgoing buffer's storage when nothing waits in it. */
void session_out_trim(session_t *s);

/* Configuration before the handshake (session_config.c). */
#define SESSION_VERIFY_PEER         1 /* ask for (server) / check the peer */
#define SESSION_VERIFY_REQUIRE_CERT 2 /* a server refuses a client without */
void session_set_verify(session_t *s, int mode);
int session_set_servername(session_t *s, const char *name);
/* A client's offer (wire format); a server's own list to choose from. */
int session_set_alpn(session_t *s, const unsigned char *wire, size_t len);
void session_enable(session_t *s, unsigned hook);
/* A server's PSK identity hint; 0 if refused. */
int session_set_psk_hint(session_t *s, const char *hint);
void session_request_ocsp(session_t *s);
int session_set_ocsp_response(session_t *s, const unsigned char *data,
                              size_t len);
/* Serves with `ctx`'s certificate, key and chain; 0 with OpenSSL's error
 * queued if it cannot. */
int session_use_key_cert(session_t *s, SSL_CTX *ctx);
/* The answer to choose_context: NULL keeps the current context; a context
 * without a certificate is passed over when `pass_over_empty`. 0 if the
 * context could not be used (the handshake goes on with the current). */
int session_choose_context(session_t *s, SSL_CTX *ctx, int pass_over_empty);
/* The answer to find_session: the session to resume, or NULL (taken). */
void session_resume_with(session_t *s, SSL_SESSION *sess);
/* A client's offer of an earlier session. 0 with the error queued. */
int session_set_session(session_t *s, SSL_SESSION *sess);
int session_set_max_send_fragment(session_t *s, long size);
/* OpenSSL's protocol trace of this session to stderr. */
void session_trace(session_t *s);

/* Queries (session_info.c). The SSL for read-only queries, or NULL while
 * a step runs on a pool thread. */
const SSL *session_peek(const session_t *s);
/* The session getSession() reports: a TLS 1.3 server's as the handshake
 * completed while that is being reported, else the current one. */
SSL_SESSION *session_current(const session_t *s);
/* The verification result as the owner reports it; `strict`: a server
 * also checks resumed TLS 1.3 and PSK connections. */
long session_verify_result(const session_t *s, int strict);
int session_export_keying_material(session_t *s, unsigned char *out, size_t len,
                                   const char *label,
                                   const unsigned char *context,
                                   size_t context_len, int use_context);
/* The peer's ephemeral key (a client's view), referenced; or NULL. */
EVP_PKEY *session_peer_key(session_t *s);
const char *session_group_name(session_t *s);
/* The i-th shared signature algorithm's NIDs; the count when i < 0. */
int session_shared_sigalg(session_t *s, int i, int *sign_nid, int *hash_nid);

#endif
