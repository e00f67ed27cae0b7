/* runtime/image/vfat.h — FAT partitions, made in place in the output file
 * with dosfstools and mtools (both can address a byte offset, so no loop
 * device and no copy), and the syslinux BIOS boot loader installed with
 * syslinux's mtools installer.  FAT keeps no owners or modes, and cannot
 * hold symlinks or device nodes: only directories and regular files of the
 * copied subtree go in. */
#ifndef YOE_IMAGE_VFAT_H
#define YOE_IMAGE_VFAT_H

#include "image/manifest.h"

#include <stdint.h>

/* vfat_extra is one file put in the partition's root besides the subtree
 * (the kernel, syslinux.cfg). */
struct vfat_extra {
	const char *src;    /* host path */
	const char *name;   /* name in the FAT root */
};

/* vfat_job describes one FAT partition. */
struct vfat_job {
	const char *image;        /* output file */
	uint64_t offset;          /* byte offset of the partition */
	uint64_t size;            /* bytes */
	const char *label;        /* volume label (uppercased) */
	uint32_t volume_id;       /* serial number */
	int64_t epoch;            /* timestamps */
	const char *stage;        /* staging tree */
	const char *prefix;       /* rootfs subtree to copy, NULL for none */
	const struct manifest *m;
	const struct vfat_extra *extras; /* extra root files */
	size_t nextras;
	int syslinux;             /* install syslinux's boot sector + ldlinux */
	const char *tmpdir;
	const char *what;         /* for messages */
};

/* vfat_fat32 is 1 when a partition of size bytes is made FAT32 (else FAT16). */
int vfat_fat32(uint64_t size);
/* vfat_build formats, fills and (optionally) makes the partition bootable. */
int vfat_build(const struct vfat_job *j);

#endif
