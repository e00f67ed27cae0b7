/* runtime/apk/buf.h — a growable byte buffer, the one container apk-sign
 * uses for streams it builds in memory (control, signature, index). */
#ifndef YOE_APK_BUF_H
#define YOE_APK_BUF_H

#include <stddef.h>

struct buf {
	unsigned char *data; /* malloc'd bytes (NULL while empty) */
	size_t len;          /* bytes in use */
	size_t cap;          /* bytes allocated */
};

/* buf_add appends n bytes; -1 (errno ENOMEM) when out of memory. */
int buf_add(struct buf *b, const void *p, size_t n);
/* buf_addf appends printf-formatted text (without the NUL). */
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* buf_zero appends n zero bytes. */
int buf_zero(struct buf *b, size_t n);
void buf_free(struct buf *b);

#endif
