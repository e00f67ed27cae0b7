/* runtime/image/boot.h — what the boot methods need from the rootfs: which
 * kernel and initrd (named in the spec or found under /boot), their host
 * paths in the staging tree (symlinks resolved inside the rootfs),
 * syslinux.cfg, and copies for direct boot. */
#ifndef YOE_IMAGE_BOOT_H
#define YOE_IMAGE_BOOT_H

#include "image/manifest.h"
#include "image/spec.h"

#include <stddef.h>

/* boot_pick sets *kernel and *initrd (malloc'd rootfs paths; *initrd may be
 * NULL) for s->boot: the spec's kernel/initrd, else boot/vmlinuz, the
 * greatest boot/vmlinuz-*, boot/Image or boot/Image-*, with
 * boot/initrd.img[-*] or boot/initramfs[-*] when present.  Nothing for
 * boot = none.  -1 (after a message) when no kernel is there. */
int boot_pick(const struct image_spec *s, const struct manifest *m, char **kernel,
              char **initrd);

/* boot_host_path writes the staging-tree path of rootfs file `path`
 * (symlinks inside the rootfs followed) to host; -1 with a message naming
 * `what` ("kernel", "initrd") when it is not a file of the rootfs.  A path
 * inside the work directory (the directory holding `stage`), such as the
 * initramfs initrd.c builds there, is a file image-assemble made and is
 * given back as it is. */
int boot_host_path(const struct image_spec *s, const struct manifest *m,
                   const char *stage, const char *path, const char *what,
                   char *host, size_t len);

/* boot_resolve finds rootfs path `path` in the manifest, following
 * symlinks in every component (relative to their directory, absolute ones
 * from the rootfs root, ".." stopping at the root, at most 40) — never
 * outside the tree.  Writes the resolved path (no leading '/') to buf and
 * returns its entry (a directory, file, hard link, device...), or NULL
 * when a component is missing, deleted or not a directory. */
const struct mentry *boot_resolve(const struct manifest *m, const char *path,
                                  char *buf, size_t len);

/* boot_syslinux_cfg writes syslinux.cfg booting /kname (and /iname) with
 * the command line; a `console=ttyS<n>[,<baud>]` there adds SERIAL. */
int boot_syslinux_cfg(const char *cfg, const char *cmdline, const char *kname,
                      const char *iname);

/* boot_copy copies src to dst (created 0644, fsynced). */
int boot_copy(const char *src, const char *dst);

#endif
