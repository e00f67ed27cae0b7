/* gen/yoe/prefetch.h — reading a phase's .star files ahead of evaluation
 * on a helper thread (see prefetch.c). */
#ifndef YOE_PREFETCH_H
#define YOE_PREFETCH_H

#include <stddef.h>

struct yoe_prefetch;

/* yoe_prefetch_start begins reading paths[0..n) in order (the array and
 * strings must outlive the prefetch).  NULL when not worth a thread. */
struct yoe_prefetch *yoe_prefetch_start(const char *const *paths, size_t n);
/* yoe_prefetch_take returns file i's bytes (malloc'd, NUL-terminated; the
 * caller frees them) with their length and SHA-256 hex, reading the file
 * itself if the helper has not got to it.  NULL if it cannot be read.
 * Files must be taken in increasing i (some may be skipped). */
char *yoe_prefetch_take(struct yoe_prefetch *pf, size_t i, size_t *len, char sha[65]);
/* yoe_prefetch_stop tells the helper to end, without waiting for it. */
void yoe_prefetch_stop(struct yoe_prefetch *pf);
/* yoe_prefetch_reap joins every stopped helper and frees what they read
 * and nobody took (before the program may exit: OpenSSL's exit handlers
 * must not run under a hashing helper). */
void yoe_prefetch_reap(void);

/* yoe_read_hash reads path whole (NUL-terminated, malloc'd) and hashes it:
 * what the helper does for each file. */
char *yoe_read_hash(const char *path, size_t *len, char sha[65]);

#endif
