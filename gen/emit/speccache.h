/* gen/emit/speccache.h — skips re-reading unchanged spec files.
 *
 * `yoe gen` writes thousands of small files (unit.ini, image.ini, key.txt)
 * and must leave unchanged ones alone.  Comparing each with the file on disk
 * costs an open and a read per file; this cache remembers, per path, the
 * XXH3 of what gen wrote and the file's size, mtime and inode afterwards.
 * When the new content hashes the same and the file still stats the same,
 * the write is skipped after a single stat.  Anything unexpected falls back
 * to the full compare, so the cache can only save work, never lose a write.
 */
#ifndef YOE_EMIT_SPECCACHE_H
#define YOE_EMIT_SPECCACHE_H

#include <stddef.h>

/* speccache_open loads the cache kept in file (may be missing). */
void speccache_open(const char *file);
/* speccache_write writes data to path unless it is known unchanged; same
 * returns as write_file_if_changed (1 written, 0 unchanged, -1 error). */
int speccache_write(const char *path, const void *data, size_t len);
/* speccache_close saves the cache (only if it changed) and frees it. */
void speccache_close(void);

#endif
