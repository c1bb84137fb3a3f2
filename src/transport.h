#ifndef UVTLS_TRANSPORT_H
#define UVTLS_TRANSPORT_H

/* A stream socket (TCP or Unix pipe) on the loop: connect, read into a
 * shared buffer, writes that try the socket first and queue the rest,
 * half-close and close. The owner learns of progress through callbacks. */

#include <uv.h>

typedef struct transport transport_t;

typedef struct transport_callbacks {
  void (*on_connect)(transport_t *t, int status);
  /* nread > 0: data; nread < 0: UV_EOF or an error. */
  void (*on_read)(transport_t *t, ssize_t nread, const char *data);
  /* A queued write finished; `notify` is what transport_write was given. */
  void (*on_write)(transport_t *t, int status, int notify);
  void (*on_shutdown)(transport_t *t, int status);
  void (*on_close)(transport_t *t);
} transport_callbacks_t;

/* One read buffer serves every transport of a loop. */
typedef struct read_buffer {
  char *base;
  size_t size;
} read_buffer_t;

struct transport {
  union {
    uv_handle_t handle;
    uv_stream_t stream;
    uv_tcp_t tcp;
    uv_pipe_t pipe;
  } h;
  uv_connect_t connect_req;
  uv_shutdown_t shutdown_req;
  const transport_callbacks_t *cb;
  read_buffer_t *read_buf;
  int is_pipe;
  int reading;
  int closing;
  size_t queued_bytes;
};

int transport_init(transport_t *t, uv_loop_t *loop, int is_pipe,
                   const transport_callbacks_t *cb, read_buffer_t *read_buf);
int transport_connect_tcp(transport_t *t, const struct sockaddr *addr);
void transport_connect_pipe(transport_t *t, const char *path);
int transport_read_start(transport_t *t);
void transport_read_stop(transport_t *t);
/* 0: all written now; 1: the rest was queued (on_write follows); <0: error */
int transport_write(transport_t *t, const char *data, size_t len, int notify);
int transport_shutdown(transport_t *t);
void transport_close(transport_t *t);
int transport_is_closing(const transport_t *t);

#endif
