/* runtime/image/stage.h — building the rootfs staging tree on the host.
 *
 * Each package's data tar is unpacked under the staging directory as the
 * invoking user.  Every host operation is relative to a directory fd opened
 * with O_NOFOLLOW, one path component at a time, so nothing in a package (or
 * an earlier package's symlink) can make us read or write outside the tree.
 * Ownership, special mode bits and device nodes go only into the manifest.
 */
#ifndef YOE_IMAGE_STAGE_H
#define YOE_IMAGE_STAGE_H

#include "image/manifest.h"
#include "image/pkg.h"

#include <stddef.h>
#include <sys/types.h>

/* stage is the staging tree being filled. */
struct stage {
	char *root;            /* host path of the staging directory */
	int rootfd;            /* open O_DIRECTORY fd of root */
	struct manifest *m;    /* where entries are recorded */
	struct pkg *pkgs;      /* all packages (for names and `replaces`) */
	size_t npkgs;
	int cur;               /* package being unpacked, -1 for image files */
	char *dirpath;         /* cached parent directory path ("" = root) */
	int dirfd;             /* fd of dirpath, or -1 */
	char *copybuf;         /* content copy buffer */
	int blobfd;            /* directory of unpacked contents (unpack.c), or -1 */
	const char *blob;      /* the current entry's content file in blobfd (mode
	                        * host_mode() already), or NULL; NULL after
	                        * stage_entry moved it into the tree */
};

/* stage_open creates root (must not exist yet) and opens it. */
int stage_open(struct stage *st, const char *root, struct manifest *m,
               struct pkg *pkgs, size_t npkgs);
/* stage_close closes fds; the tree stays (the caller removes it). */
void stage_close(struct stage *st);

/* stage_all unpacks every package (unpack.c).  Data streams are inflated,
 * and every file's SHA-1 checked, on up to `jobs` threads into private
 * content files; then, one package after another in list order, each entry
 * is applied to the tree: a path claimed by an earlier package is an error
 * unless one of the two `replaces` the other, and a file's content is moved
 * into place by rename.  -1 after a message naming the package file. */
int stage_all(struct stage *st, int jobs);

/* stage_entry applies one entry of package st->cur to the tree and the
 * manifest; a regular file's content is the file st->blob in st->blobfd
 * (renamed into place, then st->blob is NULL).  0, or -1 with err filled
 * (or a message printed). */
int stage_entry(struct stage *st, const struct apk_entry *a, struct apk_err *err);

/* stage_file writes an image-made regular file (hostname, apk database),
 * replacing whatever a package put there; root:root, mode as given. */
int stage_file(struct stage *st, const char *path, const void *data, size_t len,
               mode_t mode);
/* stage_symlink makes an image-made symlink path → target. */
int stage_symlink(struct stage *st, const char *path, const char *target);

/* path_safe is 1 when path is relative, has no "", "." or ".." component,
 * no control characters and no '"' (it is quoted in debugfs scripts). */
int path_safe(const char *path);

/* host_mode is the harmless mode a staged file gets on the host: the
 * package's permission bits without setuid/setgid/sticky, always readable
 * and writable (directories: searchable) by the owner. */
mode_t host_mode(enum mtype t, mode_t mode);

#endif
