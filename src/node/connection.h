#ifndef UVTLS_CONNECTION_H
#define UVTLS_CONNECTION_H

/* One TLS connection: a session (the TLS state machine) on a transport (the
 * socket), tied to its JavaScript object. */

#include <node_api.h>

#include "node/instance.h"
#include "core/session.h"
#include "io/transport.h"

typedef struct connection {
  live_handle_t live;
  instance_t *inst;
  napi_env env;
  napi_ref self_ref; /* strong (held) from connect/start until closed */
  int held;
  napi_async_context async_ctx;
  transport_t transport;
  session_t session;
  int has_session;
  int js_reading;     /* JavaScript wants plaintext */
  int read_requested; /* readStart() since the last chunk was handed up */
  int handle_open;
  int js_gone;        /* the JavaScript object was collected */
  int ended;          /* end of stream delivered */
  int failed;         /* a fatal error delivered */
  int flushing;       /* connection_flush() is under way */
  int processing;     /* connection_process() is under way */
  int input_pending;  /* input arrived while processing */
  int holding_output; /* until 'newSession' is answered */
  int shutdown_held;  /* shutdown() asked for meanwhile */
  /* A TLS 1.3 server's sessions made with its tickets inside the handshake
   * step, for 'newSession' once the handshake is reported. */
  SSL_SESSION *deferred_sessions[4];
  int deferred_count;
  int trace;            /* OpenSSL's protocol trace, once the session exists */
  unsigned early_hooks; /* SESSION_HOOK_* asked for before setup() */
  struct offload *offload; /* a handshake step on the thread pool */
  int offloaded;           /* one was, and only one is */
  int carries_data;        /* counted in inst->carrying_data */
} connection_t;

napi_value connection_define(napi_env env);
napi_value connection_new(napi_env env, napi_callback_info info);

/* The engine (connection.c), for the methods in connection_api.c. */
int connection_alive(const connection_t *c);
/* Sends the ciphertext the session produced; `notify` asks for onwrite
 * when it was queued rather than sent at once. */
int connection_flush(connection_t *c, int notify);
void connection_update_reading(connection_t *c);
/* 'newSession' answered: the output held since goes out, then a
 * half-close asked for meanwhile. */
void connection_release_output(connection_t *c);
void connection_deliver(connection_t *c);
/* Runs the handshake and delivers plaintext for what the session holds. */
void connection_process(connection_t *c);
void connection_fail_tls(connection_t *c);
void connection_hold(connection_t *c);
/* A handshake step of the session runs on the thread pool. */
int connection_on_pool(const connection_t *c);
/* Continues a handshake that waited for the application. */
void connection_resume(connection_t *c);
/* Calls JavaScript callback `which` with the connection as `this`. */
napi_value connection_call(connection_t *c, int which, size_t argc,
                           const napi_value *argv);
/* The engine's side of the socket, and the end of a connection
 * (connection.c), for the object's life (connection_object.c). */
extern const transport_callbacks_t connection_transport_callbacks;
void connection_free(connection_t *c);
/* A server's new session: 'newSession' now, or once a TLS 1.3 handshake
 * completed in the same step is reported. */
void connection_new_server_session(connection_t *c, SSL_SESSION *sess);
/* The connection behind a JavaScript Connection object, or NULL. */
connection_t *connection_unwrap(napi_env env, napi_value v);

/* Getters on the connection's socket and TLS state (connection_info.c). */
napi_value connection_getpeername(napi_env env, napi_callback_info info);
napi_value connection_getsockname(napi_env env, napi_callback_info info);
napi_value connection_get_fd(napi_env env, napi_callback_info info);
napi_value connection_set_no_delay(napi_env env, napi_callback_info info);
napi_value connection_set_keep_alive(napi_env env, napi_callback_info info);
napi_value connection_get_protocol(napi_env env, napi_callback_info info);
napi_value connection_get_cipher(napi_env env, napi_callback_info info);
napi_value connection_get_servername(napi_env env, napi_callback_info info);
napi_value connection_get_alpn(napi_env env, napi_callback_info info);
napi_value connection_get_session(napi_env env, napi_callback_info info);
napi_value connection_set_session(napi_env env, napi_callback_info info);
napi_value connection_get_tls_ticket(napi_env env, napi_callback_info info);
napi_value connection_verify_error(napi_env env, napi_callback_info info);
napi_value connection_get_peer_chain(napi_env env, napi_callback_info info);
napi_value connection_get_certificate(napi_env env, napi_callback_info info);
napi_value connection_is_session_reused(napi_env env, napi_callback_info info);

/* Keys and Finished messages (connection_keys.c). */
napi_value connection_get_finished(napi_env env, napi_callback_info info);
napi_value connection_get_peer_finished(napi_env env, napi_callback_info info);
napi_value connection_export_keying_material(napi_env env,
                                             napi_callback_info info);
napi_value connection_get_ephemeral_key_info(napi_env env,
                                             napi_callback_info info);
napi_value connection_get_shared_sigalgs(napi_env env, napi_callback_info info);
napi_value connection_set_max_send_fragment(napi_env env,
                                            napi_callback_info info);

/* Fills out.address/family/port from a socket address; 0 or a uv error. */
int connection_fill_address(napi_env env, napi_value out,
                            const struct sockaddr_storage *addr);

#endif
