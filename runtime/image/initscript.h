/* runtime/image/initscript.h — the /init script of the initramfs
 * image-assemble builds (initrd.h): a busybox sh script that mounts /proc,
 * /sys and devtmpfs, insmods the modules in order, finds the root device
 * from root= (/dev/..., UUID=, PARTUUID=, LABEL=), mounts it with
 * rootfstype=/rootflags=/ro/rw, moves /dev and switch_roots to init=
 * (default /sbin/init).  Any failure prints `initramfs: <what failed>` and
 * execs /bin/busybox sh on the console instead of letting the kernel
 * panic.  The behaviour is documented in docs/image.md. */
#ifndef YOE_IMAGE_INITSCRIPT_H
#define YOE_IMAGE_INITSCRIPT_H

#include <stddef.h>

/* initscript_mod is one module for /init to load. */
struct initscript_mod {
	char *path;        /* absolute path in the initramfs */
	int optional;      /* a softdep: a failed insmod is only a note */
};

/* initscript_text returns the malloc'd script loading mods in order, or
 * NULL when a path cannot be quoted safely (a quote or control character
 * in it) or memory runs out.  image names the image in a comment. */
char *initscript_text(const char *image, const struct initscript_mod *mods, size_t n);

#endif
