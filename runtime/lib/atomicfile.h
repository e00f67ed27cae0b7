/* runtime/lib/atomicfile.h — write files so that readers (and ninja) never
 * see a half-written result, and unchanged content keeps its mtime.
 *
 * A file is written to a temp file in the same directory, fsynced and renamed
 * over the target.  When the new bytes equal the existing file's, the temp is
 * dropped instead, so the target's mtime stays put: that is what lets ninja's
 * `restat = 1` stop a rebuild wave.
 */
#ifndef YOE_ATOMICFILE_H
#define YOE_ATOMICFILE_H

#include <stdio.h>
#include <stddef.h>

struct atomic_file {
	char *path;   /* the final path */
	char *tmp;    /* the temp file beside it, removed on abort */
	FILE *fp;     /* write here between atomic_open and atomic_commit */
	int mode;     /* permission bits for the final file */
	int nosync;   /* skip fsync: for files that are cheap to regenerate */
};

/* atomic_open creates the temp file (and parent directories).  -1 on error,
 * with errno set and nothing created. */
int atomic_open(struct atomic_file *af, const char *path, int mode);
/* atomic_commit finishes the write.  Returns 1 when the target changed,
 * 0 when the content was identical (target untouched), -1 on error (the temp
 * file is removed and the target is untouched). */
int atomic_commit(struct atomic_file *af);
/* atomic_abort drops the temp file. */
void atomic_abort(struct atomic_file *af);

/* write_file_if_changed writes len bytes with the rules above; same returns
 * as atomic_commit. */
int write_file_if_changed(const char *path, const void *data, size_t len, int mode);
/* ATOMIC_NOSYNC: rename without fsync (still atomic for readers; after a
 * crash the file may be empty, so only for files gen rewrites anyway). */
#define ATOMIC_NOSYNC 1
int write_file_if_changed_flags(const char *path, const void *data, size_t len, int mode,
                                int flags);

#endif
