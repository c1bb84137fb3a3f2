#ifndef UVTLS_BIO_H
#define UVTLS_BIO_H

/* A byte queue exposed to OpenSSL as a BIO: writes append, reads consume
 * from the front. Unlike a memory BIO its storage can be peeked, consumed in
 * part and released when empty, so idle connections hold no buffers. */

#include <stddef.h>
#include <openssl/bio.h>

BIO *bio_queue_new(void);
size_t bio_queue_peek(BIO *bio, const char **data);
void bio_queue_consume(BIO *bio, size_t n);
int bio_queue_append(BIO *bio, const char *data, size_t len);
/* Room for len bytes at the end, written in place and then committed:
 * lets a socket read straight into the queue. */
char *bio_queue_reserve(BIO *bio, size_t len);
void bio_queue_commit(BIO *bio, size_t n);
/* Frees the storage of an empty queue (a connection going idle). */
void bio_queue_release(BIO *bio);

/* A queue's storage handed over whole: heap memory `base` of `cap` bytes
 * holding the queued bytes at data[0..len). */
typedef struct bio_storage {
  char *base;
  size_t cap;
  const char *data;
  size_t len;
} bio_storage_t;

/* Takes the storage with what is queued; the queue is left empty, with no
 * storage of its own. */
void bio_queue_take(BIO *bio, bio_storage_t *out);
/* Gives storage taken earlier back to an empty queue that has none (the
 * next bytes are written into it); otherwise frees it. */
void bio_queue_adopt(BIO *bio, char *base, size_t cap);

#endif
