#include "io/transport.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/macros.h"

typedef struct write_req {
  uv_write_t req;
  transport_t *transport;
  char *storage; /* the caller's, sent in place; else the bytes follow */
  size_t storage_cap;
  int notify;
  char data[];
} write_req_t;

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf) {
  transport_t *t = container_of(handle, transport_t, h.handle);
  size_t len = suggested;

  buf->base = t->cb->on_alloc(t, &len);
  buf->len = buf->base != NULL ? len : 0;
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf) {
  transport_t *t = container_of(stream, transport_t, h.stream);

  if (buf->base == NULL && nread == UV_ENOBUFS)
    nread = UV_ENOMEM;
  t->cb->on_read(t, nread, buf->base, 1);
}

static void on_connect(uv_connect_t *req, int status) {
  transport_t *t = container_of(req, transport_t, connect_req);

  if (status == UV_ECANCELED)
    return; /* closed before it connected */
  t->cb->on_connect(t, status);
}

static void on_write_done(uv_write_t *req, int status) {
  write_req_t *w = container_of(req, write_req_t, req);
  transport_t *t = w->transport;
  int notify = w->notify;

  if (w->storage != NULL)
    t->cb->on_storage(t, w->storage, w->storage_cap);
  free(w);
  t->cb->on_write(t, status, notify);
}

static void on_shutdown(uv_shutdown_t *req, int status) {
  transport_t *t = container_of(req, transport_t, shutdown_req);

  if (status == UV_ECANCELED)
    return;
  t->cb->on_shutdown(t, status);
}

static void on_close(uv_handle_t *handle) {
  transport_t *t = container_of(handle, transport_t, h.handle);

  t->cb->on_close(t);
}

int transport_init(transport_t *t, uv_loop_t *loop, transport_kind_t kind,
                   const transport_callbacks_t *cb) {
  memset(t, 0, sizeof(*t));
  t->cb = cb;
  t->kind = kind;
  switch (kind) {
  case TRANSPORT_TCP:
    return uv_tcp_init(loop, &t->h.tcp);
  case TRANSPORT_PIPE:
    return uv_pipe_init(loop, &t->h.pipe, 0);
  case TRANSPORT_JS:
    return uv_check_init(loop, &t->h.check);
  }
  return UV_EINVAL;
}

void transport_receive(transport_t *t, ssize_t nread, const char *data) {
  if (t->closing || nread == 0)
    return;
  t->cb->on_read(t, nread, data, 0);
}

void transport_js_drained(transport_t *t) {
  int notify = t->js_notify;

  t->js_notify = 0;
  if (!t->closing)
    t->cb->on_write(t, 0, notify);
}

int transport_open(transport_t *t, int fd) {
  int copy, err;

  if (t->kind == TRANSPORT_JS)
    return UV_EINVAL;
  copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0)
    return -errno;
  if (t->kind == TRANSPORT_TCP)
    err = uv_tcp_open(&t->h.tcp, copy);
  else
    err = uv_pipe_open(&t->h.pipe, copy);
  if (err != 0)
    close(copy);
  return err;
}

int transport_bind_tcp(transport_t *t, const struct sockaddr *addr) {
  return uv_tcp_bind(&t->h.tcp, addr, 0);
}

int transport_connect_tcp(transport_t *t, const struct sockaddr *addr) {
  return uv_tcp_connect(&t->connect_req, &t->h.tcp, addr, on_connect);
}

void transport_connect_pipe(transport_t *t, const char *path) {
  uv_pipe_connect(&t->connect_req, &t->h.pipe, path, on_connect);
}

int transport_read_start(transport_t *t) {
  int err = 0;

  if (t->reading || t->closing)
    return 0;
  if (t->kind == TRANSPORT_JS)
    t->cb->js_read_control(t, 1);
  else
    err = uv_read_start(&t->h.stream, on_alloc, on_read);
  if (err == 0)
    t->reading = 1;
  return err;
}

void transport_read_stop(transport_t *t) {
  if (!t->reading)
    return;
  t->reading = 0;
  if (t->kind == TRANSPORT_JS)
    t->cb->js_read_control(t, 0);
  else
    uv_read_stop(&t->h.stream);
}

/* Writes what the socket takes now: the count written (possibly 0), or a
 * uv error. */
static int write_now(transport_t *t, const char *data, size_t len) {
  uv_buf_t buf = uv_buf_init((char *)data, (unsigned int)len);
  int n = uv_try_write(&t->h.stream, &buf, 1);

  if (n == UV_EAGAIN || n == UV_ENOSYS)
    return 0;
  return n;
}

static int queue_write(transport_t *t, write_req_t *w, const char *data,
                       size_t len) {
  uv_buf_t buf = uv_buf_init((char *)data, (unsigned int)len);

  w->transport = t;
  return uv_write(&w->req, &t->h.stream, &buf, 1, on_write_done);
}

int transport_write(transport_t *t, const char *data, size_t len, int notify) {
  write_req_t *w;
  int n, err;

  if (t->closing)
    return UV_EPIPE;
  if (t->kind == TRANSPORT_JS) {
    n = t->cb->js_write(t, data, len);
    if (n == 1)
      t->js_notify |= notify;
    return n;
  }
  if ((n = write_now(t, data, len)) < 0 || (size_t)n == len)
    return n < 0 ? n : 0;

  w = malloc(sizeof(*w) + (len - (size_t)n));
  if (w == NULL)
    return UV_ENOMEM;
  w->storage = NULL;
  w->notify = notify;
  memcpy(w->data, data + n, len - (size_t)n);
  if ((err = queue_write(t, w, w->data, len - (size_t)n)) != 0) {
    free(w);
    return err;
  }
  return 1;
}

int transport_write_storage(transport_t *t, char *base, size_t cap,
                            const char *data, size_t len, int notify,
                            int *taken) {
  write_req_t *w;
  int n, err;

  *taken = 0;
  if (t->closing || t->kind == TRANSPORT_JS)
    return transport_write(t, data, len, notify);
  if ((n = write_now(t, data, len)) < 0 || (size_t)n == len)
    return n < 0 ? n : 0;

  w = malloc(sizeof(*w));
  if (w == NULL)
    return UV_ENOMEM;
  w->storage = base;
  w->storage_cap = cap;
  w->notify = notify;
  if ((err = queue_write(t, w, data + n, len - (size_t)n)) != 0) {
    free(w);
    return err;
  }
  *taken = 1;
  return 1;
}

int transport_shutdown(transport_t *t) {
  if (t->closing)
    return UV_ENOTCONN;
  if (t->kind == TRANSPORT_JS) {
    t->cb->js_shutdown(t);
    if (!t->closing)
      t->cb->on_shutdown(t, 0);
    return 0;
  }
  return uv_shutdown(&t->shutdown_req, &t->h.stream, on_shutdown);
}

void transport_close(transport_t *t) {
  if (t->closing)
    return;
  t->closing = 1;
  t->reading = 0;
  uv_close(&t->h.handle, on_close);
}

int transport_is_closing(const transport_t *t) {
  return t->closing;
}
