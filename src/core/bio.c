#include "core/bio.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

/* Storage above this size is released as soon as the queue empties, so an
 * idle connection keeps at most this much. */
#define KEEP_CAPACITY 4096

typedef struct byte_queue {
  char *data;
  size_t start;
  size_t end;
  size_t cap;
} byte_queue_t;

static BIO_METHOD *queue_method;
static CRYPTO_ONCE queue_method_once = CRYPTO_ONCE_STATIC_INIT;

static void queue_reset(byte_queue_t *q) {
  q->start = 0;
  q->end = 0;
  if (q->cap > KEEP_CAPACITY) {
    free(q->data);
    q->data = NULL;
    q->cap = 0;
  }
}

static int queue_reserve(byte_queue_t *q, size_t len) {
  size_t used = q->end - q->start;
  size_t cap;
  char *data;

  if (q->cap - q->end >= len)
    return 0;
  if (q->start > 0 && q->cap - used >= len) {
    memmove(q->data, q->data + q->start, used);
    q->start = 0;
    q->end = used;
    return 0;
  }
  /* One allocation of what is needed, doubling only past it. */
  cap = q->cap * 2;
  if (cap < used + len)
    cap = used + len;
  data = malloc(cap);
  if (data == NULL)
    return -1;
  if (used > 0)
    memcpy(data, q->data + q->start, used);
  free(q->data);
  q->data = data;
  q->start = 0;
  q->end = used;
  q->cap = cap;
  return 0;
}

char *bio_queue_reserve(BIO *bio, size_t len) {
  byte_queue_t *q = BIO_get_data(bio);

  if (queue_reserve(q, len) != 0)
    return NULL;
  return q->data + q->end;
}

void bio_queue_commit(BIO *bio, size_t n) {
  byte_queue_t *q = BIO_get_data(bio);

  q->end += n;
  if (q->start == q->end)
    queue_reset(q);
}

int bio_queue_append(BIO *bio, const char *data, size_t len) {
  byte_queue_t *q = BIO_get_data(bio);

  if (len == 0)
    return 0;
  if (queue_reserve(q, len) != 0)
    return -1;
  memcpy(q->data + q->end, data, len);
  q->end += len;
  return 0;
}

void bio_queue_release(BIO *bio) {
  byte_queue_t *q = BIO_get_data(bio);

  if (q->start != q->end)
    return;
  free(q->data);
  q->data = NULL;
  q->start = q->end = q->cap = 0;
}

void bio_queue_take(BIO *bio, bio_storage_t *out) {
  byte_queue_t *q = BIO_get_data(bio);

  out->base = q->data;
  out->cap = q->cap;
  out->data = q->data != NULL ? q->data + q->start : NULL;
  out->len = q->end - q->start;
  q->data = NULL;
  q->start = q->end = q->cap = 0;
}

void bio_queue_adopt(BIO *bio, char *base, size_t cap) {
  byte_queue_t *q = BIO_get_data(bio);

  if (q->data != NULL || base == NULL) {
    free(base);
    return;
  }
  q->data = base;
  q->cap = cap;
  q->start = q->end = 0;
}

size_t bio_queue_peek(BIO *bio, const char **data) {
  byte_queue_t *q = BIO_get_data(bio);

  /* No storage: NULL, not an offset from it. */
  *data = q->data != NULL ? q->data + q->start : NULL;
  return q->end - q->start;
}

void bio_queue_consume(BIO *bio, size_t n) {
  byte_queue_t *q = BIO_get_data(bio);

  q->start += n;
  if (q->start >= q->end)
    queue_reset(q);
}

static int queue_write(BIO *bio, const char *data, size_t len,
                       size_t *written) {
  BIO_clear_retry_flags(bio);
  if (bio_queue_append(bio, data, len) != 0)
    return 0;
  *written = len;
  return 1;
}

static int queue_read(BIO *bio, char *out, size_t len, size_t *nread) {
  byte_queue_t *q = BIO_get_data(bio);
  size_t avail = q->end - q->start;

  BIO_clear_retry_flags(bio);
  if (avail == 0) {
    BIO_set_retry_read(bio);
    return 0;
  }
  if (len > avail)
    len = avail;
  memcpy(out, q->data + q->start, len);
  bio_queue_consume(bio, len);
  *nread = len;
  return 1;
}

static long queue_ctrl(BIO *bio, int cmd, long num, void *ptr) {
  byte_queue_t *q = BIO_get_data(bio);

  (void)num;
  (void)ptr;
  switch (cmd) {
  case BIO_CTRL_PENDING:
    return (long)(q->end - q->start);
  case BIO_CTRL_WPENDING:
    return 0;
  case BIO_CTRL_FLUSH:
    return 1;
  case BIO_CTRL_EOF:
    return q->end == q->start;
  case BIO_CTRL_RESET:
    q->start = q->end;
    queue_reset(q);
    return 1;
  default:
    return 0;
  }
}

static int queue_create(BIO *bio) {
  byte_queue_t *q = calloc(1, sizeof(*q));

  if (q == NULL)
    return 0;
  BIO_set_data(bio, q);
  BIO_set_init(bio, 1);
  return 1;
}

static int queue_destroy(BIO *bio) {
  byte_queue_t *q = BIO_get_data(bio);

  if (q != NULL) {
    free(q->data);
    free(q);
  }
  BIO_set_data(bio, NULL);
  return 1;
}

static void queue_method_init(void) {
  BIO_METHOD *m =
      BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "uvtls queue");
  if (m == NULL)
    return;
  BIO_meth_set_write_ex(m, queue_write);
  BIO_meth_set_read_ex(m, queue_read);
  BIO_meth_set_ctrl(m, queue_ctrl);
  BIO_meth_set_create(m, queue_create);
  BIO_meth_set_destroy(m, queue_destroy);
  queue_method = m;
}

BIO *bio_queue_new(void) {
  if (!CRYPTO_THREAD_run_once(&queue_method_once, queue_method_init) ||
      queue_method == NULL)
    return NULL;
  return BIO_new(queue_method);
}
