/* runtime/image/initrd_tree.h — the initramfs being put together
 * (initrd.h): its own manifest and host directory, and the ways files get
 * in — copied (hard-linked) from the staged rootfs, written as text, or
 * entries without content (directories, links, device nodes).  Shared by
 * initrd.c (kernel modules, /init, the archive) and initrd_busybox.c
 * (busybox and the libraries it needs). */
#ifndef YOE_IMAGE_INITRD_TREE_H
#define YOE_IMAGE_INITRD_TREE_H

#include "image/manifest.h"
#include "image/spec.h"

#include <stddef.h>
#include <sys/types.h>

/* itree is one initramfs under construction. */
struct itree {
	const struct image_spec *s;
	const struct manifest *m;   /* the rootfs */
	const char *stage;          /* its staging tree */
	struct manifest out;        /* the initramfs */
	char *root;                 /* host directory with the initramfs's files */
};

/* itree_err prints `SPEC:LINE: initrd_modules: <msg>` as an error. */
void itree_err(const struct itree *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* itree_find_file resolves a rootfs path (symlinks followed inside the
 * tree) to a regular file or hard link; its resolved path goes to real. */
const struct mentry *itree_find_file(const struct itree *t, const char *path,
                                     char *real, size_t len);
/* itree_put adds path (and missing parent directories) to the initramfs
 * as a root-owned entry of the given type and mode; NULL when out of memory
 * (after a message). */
struct mentry *itree_put(struct itree *t, const char *path, enum mtype type,
                         mode_t mode);
/* itree_add_file puts rootfs file e (resolved path real) at path, keeping
 * its package for the listing. */
int itree_add_file(struct itree *t, const char *path, const struct mentry *e,
                   const char *real, mode_t mode);
/* itree_add_text puts a file the image makes (/init, modules.dep). */
int itree_add_text(struct itree *t, const char *path, const char *text, mode_t mode);

/* initrd_add_busybox adds bin/busybox, bin/sh -> busybox and, for a
 * dynamically linked busybox, its interpreter and libraries
 * (initrd_busybox.c). */
int initrd_add_busybox(struct itree *t);

#endif
