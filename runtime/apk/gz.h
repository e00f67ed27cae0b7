/* runtime/apk/gz.h — gzip streams with exact control of their bytes and
 * boundaries (zlib directly, not gzFile): a writer whose header is always
 * the same (mtime 0, no name, OS byte 255), and a reader that finds where one
 * gzip member ends so an .apk can be split into its segments. */
#ifndef YOE_APK_GZ_H
#define YOE_APK_GZ_H

#include "apk/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <zlib.h>

typedef struct evp_md_ctx_st EVP_MD_CTX;

/* gzw compresses one gzip member into a FILE or a memory buffer, optionally
 * hashing the compressed bytes as they are produced. */
struct gzw {
	z_stream z;           /* the deflate state */
	FILE *fp;             /* output file, or NULL */
	struct buf *mem;      /* output buffer when fp is NULL */
	EVP_MD_CTX *md;       /* hashes the compressed bytes, or NULL */
	uint64_t out_bytes;   /* compressed bytes written so far */
	int failed;           /* set after the first write error (errno kept) */
	int open;             /* deflateInit2 succeeded, deflateEnd pending */
	unsigned char out[1 << 16]; /* compressed output staging */
};

/* gzw_init starts a member at zlib level (1..9, 6 is gzip's default). */
int gzw_init(struct gzw *g, int level, FILE *fp, struct buf *mem, EVP_MD_CTX *md);
int gzw_write(struct gzw *g, const void *p, size_t n);
/* gzw_finish ends the member (trailer written); 0 or -1. */
int gzw_finish(struct gzw *g);
/* gzw_abort frees the state without finishing. */
void gzw_abort(struct gzw *g);

/* gz_buf compresses n bytes into one member appended to out. */
int gz_buf(const void *p, size_t n, int level, struct buf *out);

/* gz_member inflates the gzip member starting at p (n bytes available).
 * On success sets *consumed to the member's exact compressed length and, if
 * out is non-NULL, appends up to max_out inflated bytes to it (more is an
 * error: a control stream is small).  Returns 0, or -1 with a reason in
 * *why ("truncated", "not gzip", "corrupt", "too large"). */
int gz_member(const unsigned char *p, size_t n, struct buf *out, size_t max_out,
              size_t *consumed, const char **why);

/* gzr streams the inflated bytes of consecutive gzip members in memory. */
struct gzr {
	z_stream z;              /* the inflate state */
	const unsigned char *in; /* compressed bytes */
	size_t in_len;           /* their length */
	size_t in_pos;           /* start of the current member */
	int done;                /* all input consumed */
	int open;                /* inflate state to free */
	const char *why;         /* reason of the last failure */
};

int gzr_init(struct gzr *r, const unsigned char *in, size_t len);
/* gzr_read fills up to n bytes; returns the count, 0 at the end of the
 * input, -1 on corrupt or truncated data (reason in r->why). */
ssize_t gzr_read(struct gzr *r, void *buf, size_t n);
/* gzr_read_full reads exactly n bytes; -1 if the stream ends early. */
int gzr_read_full(struct gzr *r, void *buf, size_t n);
void gzr_end(struct gzr *r);

#endif
