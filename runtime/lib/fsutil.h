/* runtime/lib/fsutil.h — small file-system helpers: directories, paths and
 * whole-file reads.  All return -1/NULL with errno set on failure. */
#ifndef YOE_FSUTIL_H
#define YOE_FSUTIL_H

#include <stddef.h>

/* mkdir_p creates dir and its missing parents (like `mkdir -p`). */
int mkdir_p(const char *dir, int mode);
/* path_dirname returns a malloc'd copy of path's directory ("." if none). */
char *path_dirname(const char *path);
/* path_join returns malloc'd "a/b" (b absolute → copy of b). */
char *path_join(const char *a, const char *b);
/* read_file returns the malloc'd contents (NUL-terminated) and its length. */
char *read_file(const char *path, size_t *len);
/* read_fd: the same for an open file (not closed), to its end. */
char *read_fd(int fd, size_t *len);
/* rm_rf removes a tree without following symlinks; missing is not an error. */
int rm_rf(const char *path);

#endif
