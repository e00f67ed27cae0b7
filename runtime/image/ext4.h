/* runtime/image/ext4.h — an ext4 filesystem made from the staging tree and
 * the manifest, without privilege.
 *
 * `mke2fs` formats the partition's byte range of the output file (with a
 * pinned configuration, UUID and hash seed), then one `debugfs -w` script
 * creates every manifest entry in tree order — directories, files (copied
 * from the staging tree), symlinks, device nodes, hard links — and sets its
 * owner, group and full mode.  Unlike `mke2fs -d`, which walks the host
 * directory in readdir order and copies host ownership and ctimes, this
 * gives the same inode numbers and bytes on every host, and the packages'
 * ownership rather than the builder's.  E2FSPROGS_FAKE_TIME pins every
 * timestamp to the image's SOURCE_DATE_EPOCH.
 */
#ifndef YOE_IMAGE_EXT4_H
#define YOE_IMAGE_EXT4_H

#include "image/manifest.h"

#include <stdint.h>

/* ext4_job describes one ext4 partition to make. */
struct ext4_job {
	const char *image;      /* output file (already sized) */
	uint64_t offset;        /* byte offset of the partition in it */
	uint64_t size;          /* partition size in bytes */
	const char *label;      /* volume label */
	const char *uuid;       /* filesystem UUID */
	const char *hash_seed;  /* htree hash seed (a UUID) */
	int64_t epoch;          /* every timestamp */
	const char *stage;      /* staging tree (host path) */
	const char *prefix;     /* subtree of the rootfs to copy ("" = all) */
	const struct manifest *m;
	const char *tmpdir;     /* scratch directory for config and script */
	const char *what;       /* "<spec>: partition \"x\"" for messages */
};

/* ext4_needed estimates the bytes the tree under prefix occupies in data
 * blocks and how many inodes it uses. */
void ext4_needed(const struct manifest *m, const char *prefix, uint64_t *bytes,
                 uint64_t *inodes);
/* ext4_build formats and fills the partition.  A tree that does not fit is
 * an error naming both sizes. */
int ext4_build(const struct ext4_job *j);

#endif
