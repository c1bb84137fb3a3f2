#ifndef UVTLS_LISTENER_H
#define UVTLS_LISTENER_H

/* A listening socket (TCP or Unix pipe) and its accept loop: each accepted
 * socket becomes a Connection handed to JavaScript. */

#include <node_api.h>

napi_value listener_define(napi_env env);

#endif
