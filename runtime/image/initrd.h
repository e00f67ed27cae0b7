/* runtime/image/initrd.h — the boot initramfs image-assemble builds itself
 * when the spec has `initrd_modules` (docs/image.md, "Generated
 * initramfs").  Distribution kernels build their disk and filesystem
 * drivers as modules, so mounting root= needs an initramfs that loads them
 * first.  From the staged rootfs (after depmod) it takes:
 *
 *   - the kernel version: the one lib/modules/<kver>/, or the one the
 *     chosen kernel's name ends in (vmlinuz-<kver>);
 *   - each named module and its dependencies and softdeps (moddep.h), as
 *     lib/modules/<kver>/... files, with a modules.dep of just those;
 *   - busybox (bin/busybox, else usr/bin/busybox) and, when it is
 *     dynamically linked, its interpreter and libraries (elf.h);
 *   - a generated /init (initscript.h);
 *
 * and writes them as a gzip'd newc cpio (cpio.h: sorted, owners 0:0, times
 * = the epoch) with dev/console, dev/null, bin/sh -> busybox and empty
 * newroot/, proc/, sys/, dev/.  It is recorded in <output>.initrd.manifest.
 */
#ifndef YOE_IMAGE_INITRD_H
#define YOE_IMAGE_INITRD_H

#include "image/manifest.h"
#include "image/pkg.h"
#include "image/spec.h"

/* initrd_make runs after boot_pick.  Without initrd_modules it only removes
 * a stale direct-boot initrd_out when the rootfs has no initrd (so `yoe
 * run` never boots an old one).  With them it builds the initramfs in
 * tmpdir, replaces *initrd (a rootfs path, or NULL) by its path there —
 * which boot_host_path hands out as it is — and registers the initramfs
 * manifest output through out_add.  kernel is boot_pick's kernel.
 * Returns 0, or -1 after a message naming the spec and the fix. */
int initrd_make(const struct image_spec *s, const struct manifest *m,
                const struct pkg *pkgs, const char *stage, const char *tmpdir,
                const char *kernel, const char *(*out_add)(const char *final),
                char **initrd);

#endif
