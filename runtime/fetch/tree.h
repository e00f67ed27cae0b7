/* runtime/fetch/tree.h — writing an untrusted file tree (archive entries,
 * git blobs) under one root directory without ever writing outside it.
 *
 * Every entry name is normalised and refused when absolute or containing
 * `..`; parents are walked one component at a time with O_NOFOLLOW, so no
 * write ever passes through a symlink (even one the archive itself made);
 * hard links must name a regular file already inside; only directories,
 * regular files, symlinks and hard links exist; sizes and entry counts are
 * capped.  Symlink targets are judged once the tree is complete
 * (tree_check_links), because a link may legally point at an entry that
 * comes later — and because stripping a top directory changes what is
 * "inside".
 */
#ifndef YOE_FETCH_TREE_H
#define YOE_FETCH_TREE_H

#include "fetch/fetch.h"

#include <sys/types.h>

struct tree {
	int rootfd;                  /* the root, open O_DIRECTORY */
	const char *root;            /* its path, for messages */
	const char *origin;          /* the archive/repository named in messages */
	struct unpack_limits lim;    /* caps; 0 fields are unlimited */
	unsigned long long total;    /* file bytes written so far */
	unsigned long long entries;  /* entries created so far */
};

int tree_open(struct tree *t, const char *root, const char *origin,
              const struct unpack_limits *lim, struct ferr *e);
void tree_close(struct tree *t);

/* tree_clean_path returns the malloc'd normal form of an entry name ("./a//b/"
 * → "a/b"; "." → ""), or NULL with e filled when it is absolute or has a
 * `..` component. */
char *tree_clean_path(const struct tree *t, const char *name, struct ferr *e);
/* tree_has_git_dir is true when a component is `.git` (any case): such
 * entries are skipped, an archive must not plant a repository config. */
int tree_has_git_dir(const char *clean);

/* Entry constructors; path is a tree_clean_path result. */
int tree_mkdir(struct tree *t, const char *path, struct ferr *e);
/* tree_create returns a write-only fd for a new regular file (an existing
 * non-directory of that name is replaced). */
int tree_create(struct tree *t, const char *path, mode_t mode, struct ferr *e);
/* tree_write writes len bytes to fd, enforcing the caps; *filesz counts the
 * bytes of this file so far. */
int tree_write(struct tree *t, int fd, const char *path, const void *buf, size_t len,
               unsigned long long *filesz, struct ferr *e);
int tree_symlink(struct tree *t, const char *path, const char *target, struct ferr *e);
int tree_hardlink(struct tree *t, const char *path, const char *target, struct ferr *e);
/* tree_check_size refuses a file whose declared size exceeds the caps before
 * any byte is written. */
int tree_check_size(struct tree *t, const char *path, long long size, struct ferr *e);

/* tree_check_links walks the finished tree at root and refuses any symlink
 * whose target is absolute or resolves (through other links) outside root. */
int tree_check_links(const char *root, const char *origin, struct ferr *e);

#endif
