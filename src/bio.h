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

#endif
