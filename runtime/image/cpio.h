/* runtime/image/cpio.h — the rootfs as a gzip-compressed newc cpio archive
 * (an initramfs for ramdisk images), written with libarchive straight from
 * the manifest, so it carries the packages' owners, modes and device nodes.
 * Entries are in tree order with inode numbers counted from 1 and every
 * time set to the image's epoch: the archive is byte-for-byte reproducible.
 * Hard links are stored as copies. */
#ifndef YOE_IMAGE_CPIO_H
#define YOE_IMAGE_CPIO_H

#include "image/manifest.h"

#include <stdint.h>

/* cpio_write writes out (atomically) from the staging tree stage. */
int cpio_write(const char *out, const struct manifest *m, const char *stage,
               int64_t epoch);

#endif
