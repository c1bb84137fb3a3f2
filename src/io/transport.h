#ifndef UVTLS_TRANSPORT_H
#define UVTLS_TRANSPORT_H

/* A stream socket (TCP or Unix pipe) on the loop: connect, read into a
 * shared buffer, writes that try the socket first and queue the rest,
 * half-close and close. The owner learns of progress through callbacks.
 *
 * A third kind carries the bytes through the owner instead (a JavaScript
 * stream): writes, read control and half-close go to the js_* callbacks,
 * received bytes come in through transport_receive(). */

#include <uv.h>

typedef struct transport transport_t;

typedef struct transport_callbacks {
  void (*on_connect)(transport_t *t, int status);
  /* Room for the next read, which on_read() then reports in place. */
  char *(*on_alloc)(transport_t *t, size_t *len);
  /* nread > 0: data (in the room on_alloc gave, unless from a JavaScript
   * stream); nread == 0: nothing came; nread < 0: UV_EOF or an error. */
  void (*on_read)(transport_t *t, ssize_t nread, const char *data,
                  int in_place);
  /* A queued write finished; `notify` is what transport_write was given.
   * For a write of storage the transport took, on_storage gives the
   * storage back first. */
  void (*on_write)(transport_t *t, int status, int notify);
  void (*on_storage)(transport_t *t, char *base, size_t cap);
  void (*on_shutdown)(transport_t *t, int status);
  void (*on_close)(transport_t *t);
  /* JavaScript-stream kind only. js_write: 0 taken, 1 taken but the stream
   * is full (transport_js_drained() follows), <0 error. */
  int (*js_write)(transport_t *t, const char *data, size_t len);
  void (*js_read_control)(transport_t *t, int start);
  void (*js_shutdown)(transport_t *t);
} transport_callbacks_t;

typedef enum {
  TRANSPORT_TCP = 0,
  TRANSPORT_PIPE = 1,
  TRANSPORT_JS = 2
} transport_kind_t;

struct transport {
  union {
    uv_handle_t handle;
    uv_stream_t stream;
    uv_tcp_t tcp;
    uv_pipe_t pipe;
    uv_check_t check; /* JavaScript kind: a handle only to close */
  } h;
  uv_connect_t connect_req;
  uv_shutdown_t shutdown_req;
  const transport_callbacks_t *cb;
  transport_kind_t kind;
  int js_notify; /* a JavaScript-kind write waits for the drain */
  int reading;
  int closing;
};

int transport_init(transport_t *t, uv_loop_t *loop, transport_kind_t kind,
                   const transport_callbacks_t *cb);
/* Bytes that arrive other than by reading the socket: from the stream of
 * the JavaScript kind (nread > 0, or UV_EOF), or read before a socket was
 * opened here. */
void transport_receive(transport_t *t, ssize_t nread, const char *data);
void transport_js_drained(transport_t *t);
/* Takes over a connected socket: a duplicate of `fd`, so that the caller
 * may close its own. */
int transport_open(transport_t *t, int fd);
/* The local address of a TCP socket about to connect. */
int transport_bind_tcp(transport_t *t, const struct sockaddr *addr);
int transport_connect_tcp(transport_t *t, const struct sockaddr *addr);
void transport_connect_pipe(transport_t *t, const char *path);
int transport_read_start(transport_t *t);
void transport_read_stop(transport_t *t);
/* 0: all written now; 1: the rest was queued (on_write follows); <0: error */
int transport_write(transport_t *t, const char *data, size_t len, int notify);
/* transport_write of bytes inside heap storage `base` (`cap` bytes): what
 * must be queued stays where it is, and the storage with it (*taken = 1)
 * until on_storage. Otherwise the storage stays with the caller. */
int transport_write_storage(transport_t *t, char *base, size_t cap,
                            const char *data, size_t len, int notify,
                            int *taken);
int transport_shutdown(transport_t *t);
void transport_close(transport_t *t);
int transport_is_closing(const transport_t *t);

#endif
