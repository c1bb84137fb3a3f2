#ifndef UVTLS_ERRORS_H
#define UVTLS_ERRORS_H

#include <node_api.h>

/* Builds an Error from the OpenSSL error queue, shaped as Node's own: a
 * message from the first queued error, `library`, `reason` and a `code` such
 * as ERR_SSL_WRONG_VERSION_NUMBER. Clears the queue. With an empty queue the
 * error carries `fallback` as its message, or with NULL OpenSSL's text for
 * "no error", as Node gives it. */
napi_value errors_from_queue(napi_env env, const char *fallback);

/* The same for a failed TLS connection: the message lists every queued
 * error, one line each, as OpenSSL prints them. */
napi_value errors_tls_from_queue(napi_env env, const char *fallback);

/* Whether the oldest queued error has no reason string (an alert OpenSSL
 * has no name for, such as a fatal close_notify). */
int errors_queue_unnamed(void);

/* Throws errors_from_queue(); returns NULL for use as a callback result. */
napi_value errors_throw_queue(napi_env env, const char *fallback);

/* The name Node gives an X509_V_ERR_* value ("CERT_HAS_EXPIRED"), or NULL. */
const char *errors_verify_code(long verify_result);

#endif
