#ifndef UVTLS_RESUMPTION_H
#define UVTLS_RESUMPTION_H

/* Session resumption: the ticket keys of a context (48 bytes, as Node has
 * them: name, HMAC secret, AES key), and the sessions a client receives,
 * serialized for JavaScript. */

#include <node_api.h>
#include <openssl/ssl.h>

#define TICKET_KEYS_LENGTH 48

/* Gives the context random ticket keys and the callbacks that use them. */
int resumption_install(SSL_CTX *ctx);
int resumption_set_ticket_keys(SSL_CTX *ctx, const unsigned char *keys);
/* Copies the context's 48 bytes of keys into `out`; 0 if it has none. */
int resumption_ticket_keys(SSL_CTX *ctx, unsigned char *out);

napi_value resumption_session_to_js(napi_env env, SSL_SESSION *sess);

struct connection;
/* The application's answer to 'resumeSession': the serialized session, or
 * NULL for none. The paused handshake is resumed by the caller. */
int resumption_load_session(struct connection *c, const char *data, size_t len);

/* Emits 'newSession' for the sessions a TLS 1.3 server made inside the
 * handshake step that completed it (Node reports the handshake first). */
void resumption_emit_deferred(struct connection *c);
void resumption_drop_deferred(struct connection *c);

#endif
