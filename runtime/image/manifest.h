/* runtime/image/manifest.h — the truth about every path of the rootfs.
 *
 * image-assemble runs as an ordinary user, so the staging tree on the host
 * holds only file *contents*: every file there belongs to the invoking user,
 * has harmless permission bits and device nodes do not exist at all.  What
 * the packages really asked for — owner, group, full mode with
 * setuid/setgid/sticky, device numbers — is recorded here and applied to the
 * filesystem image (ext4.c), the initramfs (cpio.c) and the apk database
 * (apkdb.c).  The manifest is also written out as a text file next to the
 * image, one line per path, so a reviewer can see what the image holds.
 */
#ifndef YOE_IMAGE_MANIFEST_H
#define YOE_IMAGE_MANIFEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum mtype {
	M_DIR,
	M_REG,
	M_SYMLINK,
	M_HARDLINK, /* another name for the regular file at `link` */
	M_CHR,
	M_BLK,
	M_FIFO,
};

/* mentry is one path of the rootfs. */
struct mentry {
	char *path;        /* relative to the rootfs, no leading '/', never "" */
	enum mtype type;
	mode_t mode;       /* permission bits incl. 07000, without the type bits */
	uid_t uid;
	gid_t gid;
	unsigned major;    /* device numbers (M_CHR, M_BLK) */
	unsigned minor;
	char *link;        /* symlink target, or hard link target path */
	uint64_t size;     /* content bytes of regular files */
	char sha1[41];     /* hex SHA-1 of the content from the package, or "" */
	int pkg;           /* index of the owning package, -1 = made by the image */
	int implicit;      /* a parent directory no package listed */
	int deleted;       /* removed (by an install script); skipped everywhere */
};

/* manifest is a hash table of entries keyed by path. */
struct manifest {
	struct mentry **slots; /* open addressing, NULL = empty */
	size_t cap;            /* power of two */
	size_t n;              /* entries stored */
};

void manifest_init(struct manifest *m);
void manifest_free(struct manifest *m);
/* manifest_get returns the entry for path (deleted ones too), or NULL. */
struct mentry *manifest_get(const struct manifest *m, const char *path);
/* manifest_put returns the entry for path, creating a blank one (type M_DIR,
 * mode 0755, root:root, pkg -1) if missing; NULL when out of memory. */
struct mentry *manifest_put(struct manifest *m, const char *path);
/* manifest_sorted returns a malloc'd array of the live entries in tree
 * order: a directory before its children, siblings by byte order, so the
 * order is the same on every host. */
struct mentry **manifest_sorted(const struct manifest *m, size_t *n);
/* path_cmp is that order: like strcmp, with '/' sorting before any byte. */
int path_cmp(const char *a, const char *b);
/* manifest_write writes the text form (see docs/image.md) atomically.
 * pkgnames[i] names package i. */
int manifest_write(const struct manifest *m, const char *path,
                   char *const *pkgnames);
/* mtype_mode returns the S_IF* type bits for t (M_HARDLINK → S_IFREG). */
mode_t mtype_mode(enum mtype t);

#endif
