#ifndef UVTLS_MACROS_H
#define UVTLS_MACROS_H

/* Plain C helpers every layer may use. */

#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member)                                        \
  ((type *)((char *)(ptr)-offsetof(type, member)))

#endif
