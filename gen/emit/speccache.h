/* gen/emit/speccache.h — writing gen's files cheaply: skips re-reading
 * unchanged spec files, and creates new ones in place.
 *
 * `yoe gen` writes thousands of small files (unit.ini, image.ini, key.txt)
 * and must leave unchanged ones alone.  Comparing each with the file on disk
 * costs an open and a read per file; this cache remembers, per path, the
 * XXH3 of what gen wrote and the file's size, mtime and inode afterwards.
 * When the new content hashes the same and the file still stats the same,
 * the write is skipped after a single stat.  Anything unexpected falls back
 * to the full compare, so the cache can only save work, never lose a write.
 * build.ninja goes through it too: an unchanged one costs a hash and a stat.
 */
#ifndef YOE_EMIT_SPECCACHE_H
#define YOE_EMIT_SPECCACHE_H

#include <stddef.h>

/* speccache_open loads the cache kept in file (may be missing). */
void speccache_open(const char *file);
/* speccache_write writes data to path unless it is known unchanged; same
 * returns as write_file_if_changed (1 written, 0 unchanged, -1 error). */
int speccache_write(const char *path, const void *data, size_t len);
/* speccache_write_atomic is speccache_write for a file whose readers must
 * never see it short (build.ninja): a new one goes through a temp file and
 * a rename too. */
int speccache_write_atomic(const char *path, const void *data, size_t len);
/* spec_write_file writes data to path without the cache: a new file is
 * created in place, an existing one compared and replaced atomically when
 * it differs (no fsync: gen rewrites a lost one).  Returns as
 * speccache_write. */
int spec_write_file(const char *path, const void *data, size_t len);
/* speccache_close saves the cache (only if it changed) and frees it. */
void speccache_close(void);

#endif
