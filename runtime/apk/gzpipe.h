/* runtime/apk/gzpipe.h — a gzw fed from another thread.  Packing a big tree
 * spends its time in deflate; reading files, hashing them and building tar
 * headers can overlap with it (as `tar | gzip` overlaps in two processes).
 * The byte stream, and so the compressed output, is exactly what a direct
 * gzw_write sequence would give: only the work moves to a second thread. */
#ifndef YOE_APK_GZPIPE_H
#define YOE_APK_GZPIPE_H

#include "apk/gz.h"

#include <pthread.h>

#define GZPIPE_SLOTS 4              /* chunks in flight */
#define GZPIPE_CHUNK (1u << 20)     /* bytes per chunk */

struct gzpipe {
	struct gzw *gz;                 /* the compressor the worker feeds */
	pthread_t worker;               /* runs gzw_write on full chunks */
	pthread_mutex_t mu;             /* guards everything below */
	pthread_cond_t cv;              /* signalled on every state change */
	unsigned char *slot[GZPIPE_SLOTS]; /* chunk buffers */
	size_t len[GZPIPE_SLOTS];       /* bytes in each queued chunk */
	int head;                       /* next slot the worker takes */
	int queued;                     /* slots waiting for the worker */
	int fill;                       /* slot the producer fills */
	size_t fill_len;                /* bytes in it */
	int closing;                    /* producer is done */
	int failed;                     /* gzw_write failed (errno in err) */
	int err;
	int running;                    /* worker started */
};

/* gzpipe_start starts the worker on g (already gzw_init'ed). */
int gzpipe_start(struct gzpipe *p, struct gzw *g);
/* gzpipe_write queues bytes; -1 once the worker has failed. */
int gzpipe_write(struct gzpipe *p, const void *data, size_t n);
/* gzpipe_stop flushes the last chunk and joins the worker; 0 or -1 (errno
 * set).  Call it exactly once after a successful start, also on errors. */
int gzpipe_stop(struct gzpipe *p);

#endif
